// The editing screen's glue: visual mode (TipTap, bundled in vendor/estrade-editor.js) with
// its French toolbar and block forms, or the Markdown source; autosave to the server every few
// seconds and on blur, a copy in localStorage so a lost connection or a killed server loses
// nothing, the live preview, and a warning before leaving with unsaved changes.
const form = document.getElementById('page-form')
const textarea = document.getElementById('body')
const root = document.getElementById('editor-root')
const note = document.getElementById('mode-note')
const state = document.getElementById('save-state')
const previewButton = document.getElementById('preview-button')
const data = JSON.parse(document.getElementById('block-specs').textContent)
const specs = Object.fromEntries(data.blocks.map((b) => [b.name, b]))
const csrf = form.querySelector('input[name=csrf_token]').value
const storageKey = `estrade:page:${form.dataset.page}`
const AUTOSAVE_MS = 4000
const PREVIEW_MS = 150

let editor = null
let dirty = false // changed since the last successful save
let userEdited = false // the visual editor was actually edited (else the source is kept)
let saving = false
let previewTimer = null

function setState (text) { state.textContent = text }
function describe (name) { return (specs[name] && specs[name].label) || name }

function fieldsSnapshot () {
  const values = {}
  for (const el of form.querySelectorAll('.page-fields input, .page-fields select, .page-fields textarea')) values[el.name] = el.value
  return values
}

function syncBody () {
  if (editor && userEdited) textarea.value = editor.getMarkdown()
}

function remember () {
  syncBody()
  try {
    localStorage.setItem(storageKey, JSON.stringify({ body: textarea.value, fields: fieldsSnapshot(), base: form.querySelector('#base').value, at: Date.now() }))
  } catch (e) { /* private mode: the server copy still works */ }
}

function changed () {
  dirty = true
  remember()
  setState('Modifications non enregistrées')
  clearTimeout(previewTimer)
  previewTimer = setTimeout(refreshPreview, PREVIEW_MS)
}

// The preview's HTML is the site's own page (app/editor/views.py: preview); its body replaces
// the frame's, so the theme's files are not fetched again and the scroll position stays.
let previewRequest = 0
async function refreshPreview () {
  syncBody()
  const frame = document.getElementById('preview')
  const mine = ++previewRequest
  try {
    const response = await fetch(previewButton.formAction, { method: 'POST', body: new FormData(form), headers: { 'X-CSRFToken': csrf } })
    const html = await response.text()
    if (mine !== previewRequest) return // a newer keystroke already asked
    const doc = frame.contentDocument
    if (!response.ok || !doc || !doc.body) throw new Error('reload')
    const fresh = new DOMParser().parseFromString(html, 'text/html')
    doc.title = fresh.title
    doc.body.replaceWith(doc.adoptNode(fresh.body))
  } catch (e) {
    if (form.requestSubmit) form.requestSubmit(previewButton)
  }
}

function setBase (id) {
  form.querySelector('#base').value = id
  for (const el of document.querySelectorAll('.base-copy')) el.value = id
}

async function autosave () {
  if (!dirty || saving) return
  saving = true
  syncBody()
  const body = new FormData(form)
  body.set('autosave', '1')
  dirty = false
  try {
    const response = await fetch(form.dataset.autosave, { method: 'POST', body, headers: { Accept: 'application/json', 'X-CSRFToken': csrf } })
    const answer = await response.json()
    if (response.status === 409) {
      dirty = true
      setState('')
      showConflict(answer.conflict)
    } else if (answer.ok) {
      setBase(answer.revision)
      setState(`Enregistré automatiquement à ${answer.saved_at.split(' ')[1]}`)
      localStorage.removeItem(storageKey)
    } else {
      dirty = true
    }
  } catch (e) {
    dirty = true
    setState('Connexion perdue : votre texte est gardé dans ce navigateur.')
  } finally {
    saving = false
  }
}

function showConflict (address) {
  let box = document.getElementById('conflict-box')
  if (!box) {
    box = document.createElement('div')
    box.id = 'conflict-box'
    box.className = 'alert alert-danger'
    box.setAttribute('role', 'alert')
    form.prepend(box)
  }
  box.innerHTML = ''
  const p = document.createElement('p')
  p.textContent = 'Quelqu’un a enregistré cette page entre-temps. Votre version est gardée : '
  const link = document.createElement('a')
  link.href = address
  link.textContent = 'comparer les deux versions'
  p.append(link)
  box.append(p)
}

function offerRestore () {
  let saved = null
  try { saved = JSON.parse(localStorage.getItem(storageKey) || 'null') } catch (e) { saved = null }
  if (!saved || saved.body === textarea.value) return
  const box = document.createElement('div')
  box.className = 'alert'
  box.id = 'restore-box'
  box.setAttribute('role', 'alert')
  const p = document.createElement('p')
  p.textContent = `Ce navigateur a gardé un texte non enregistré (${new Date(saved.at).toLocaleString('fr-FR')}).`
  const yes = document.createElement('button')
  yes.type = 'button'
  yes.textContent = 'Restaurer le texte non enregistré'
  const no = document.createElement('button')
  no.type = 'button'
  no.textContent = 'Ignorer'
  yes.addEventListener('click', () => {
    for (const [name, value] of Object.entries(saved.fields || {})) {
      const el = form.querySelector(`.page-fields [name="${name}"]`)
      if (el) el.value = value
    }
    textarea.value = saved.body
    if (editor) { editor.commands.setContent(saved.body, { contentType: 'markdown' }); userEdited = true }
    box.remove()
    changed()
  })
  no.addEventListener('click', () => { localStorage.removeItem(storageKey); box.remove() })
  box.append(p, yes, no)
  form.prepend(box)
}

async function ping () {
  const box = document.getElementById('presence')
  try {
    const response = await fetch(box.dataset.url, { method: 'POST', headers: { Accept: 'application/json', 'X-CSRFToken': csrf } })
    const answer = await response.json()
    box.textContent = answer.others.length ? `Également ouverte en ce moment par : ${answer.others.join(', ')}` : ''
  } catch (e) { /* offline: the autosave says so */ }
}

// ------------------------------------------------------------------ toolbar
const TOOLS = [
  ['Titre 2', 'Ctrl+Alt+2', (c) => c.toggleHeading({ level: 2 }), ['heading', { level: 2 }]],
  ['Titre 3', 'Ctrl+Alt+3', (c) => c.toggleHeading({ level: 3 }), ['heading', { level: 3 }]],
  ['Gras', 'Ctrl+B', (c) => c.toggleBold(), ['bold']],
  ['Italique', 'Ctrl+I', (c) => c.toggleItalic(), ['italic']],
  ['Liste à puces', 'Ctrl+Maj+8', (c) => c.toggleBulletList(), ['bulletList']],
  ['Liste numérotée', 'Ctrl+Maj+7', (c) => c.toggleOrderedList(), ['orderedList']],
  ['Lien', 'Ctrl+K', null, ['link']],
  ['Citation', 'Ctrl+Maj+B', (c) => c.toggleBlockquote(), ['blockquote']],
  ['Tableau', '', (c) => c.insertTable({ rows: 3, cols: 3, withHeaderRow: true }), null],
  ['Image', '', null, null],
  ['Annuler', 'Ctrl+Z', (c) => c.undo(), null],
  ['Rétablir', 'Ctrl+Maj+Z', (c) => c.redo(), null]
]

function askLink () {
  const previous = editor.getAttributes('link').href || ''
  const href = window.prompt('Adresse du lien (par exemple /don ou https://…) ; vide pour retirer le lien', previous)
  if (href === null) return
  if (href === '') editor.chain().focus().unsetLink().run()
  else editor.chain().focus().extendMarkRange('link').setLink({ href }).run()
}

// « Image »: pick from the site's media library; an image without its description (alt
// text) is refused here, with a link to the library to write it.
async function askImage () {
  let answer
  try {
    const response = await fetch(form.dataset.images, { headers: { Accept: 'application/json' } })
    answer = await response.json()
  } catch (e) { window.alert('La médiathèque ne répond pas : réessayez.'); return }
  const dialog = document.createElement('dialog')
  dialog.className = 'block-dialog image-dialog'
  dialog.setAttribute('aria-labelledby', 'image-dialog-title')
  const title = document.createElement('h2')
  title.id = 'image-dialog-title'
  title.textContent = 'Insérer une image de la médiathèque'
  const message = document.createElement('p')
  message.setAttribute('role', 'alert')
  message.className = 'error'
  message.id = 'image-dialog-error'
  const list = document.createElement('ul')
  list.className = 'image-choices'
  for (const image of answer.images) {
    const li = document.createElement('li')
    const thumb = document.createElement('img')
    thumb.src = image.thumb
    thumb.alt = ''
    thumb.width = 96
    thumb.height = 72
    const text = document.createElement('span')
    text.textContent = image.alt ? `${image.name} — ${image.alt}` : `${image.name} (sans description)`
    const pick = document.createElement('button')
    pick.type = 'button'
    pick.textContent = 'Insérer'
    pick.setAttribute('aria-label', `Insérer ${image.name}`)
    pick.addEventListener('click', () => {
      if (!image.alt.trim()) {
        message.replaceChildren(`« ${image.name} » n’a pas de description (texte alternatif) : elle ne peut pas être insérée. `)
        const link = document.createElement('a')
        link.href = `${answer.library}#media-${image.name}`
        link.textContent = 'Décrire l’image dans la médiathèque'
        message.append(link)
        return
      }
      editor.chain().focus().setImage({ src: image.url, alt: image.alt }).run()
      dialog.close()
    })
    li.append(thumb, text, pick)
    list.append(li)
  }
  if (!answer.images.length) {
    const empty = document.createElement('p')
    empty.textContent = 'La médiathèque n’a pas encore d’image.'
    list.append(empty)
  }
  const library = document.createElement('a')
  library.href = answer.library
  library.textContent = 'Ouvrir la médiathèque (ajouter une image)'
  const cancel = document.createElement('button')
  cancel.type = 'button'
  cancel.textContent = 'Annuler'
  cancel.addEventListener('click', () => dialog.close())
  dialog.append(title, message, list, library, cancel)
  document.body.append(dialog)
  dialog.addEventListener('close', () => { dialog.remove(); editor.commands.focus() })
  dialog.showModal()
  const first = dialog.querySelector('button')
  if (first) first.focus()
}

function buildToolbar (container) {
  const bar = document.createElement('div')
  bar.className = 'toolbar'
  bar.setAttribute('role', 'toolbar')
  bar.setAttribute('aria-label', 'Mise en forme')
  const buttons = []
  for (const [label, keys, run, active] of TOOLS) {
    const button = document.createElement('button')
    button.type = 'button'
    button.textContent = label
    if (keys) { button.title = `${label} (${keys})`; button.setAttribute('aria-keyshortcuts', keys.replace('Maj', 'Shift').replace('Ctrl', 'Control')) }
    button.addEventListener('click', () => {
      if (label === 'Lien') askLink()
      else if (label === 'Image') askImage()
      else run(editor.chain().focus()).run()
    })
    bar.append(button)
    buttons.push([button, active])
  }
  const blockLabel = document.createElement('label')
  blockLabel.htmlFor = 'block-choice'
  blockLabel.className = 'sr-only'
  blockLabel.textContent = 'Bloc à insérer'
  const select = document.createElement('select')
  select.id = 'block-choice'
  for (const spec of data.blocks) select.append(new Option(spec.label, spec.name))
  const insert = document.createElement('button')
  insert.type = 'button'
  insert.textContent = 'Insérer un bloc'
  insert.addEventListener('click', () => openBlockForm(select.value, null, null))
  bar.append(blockLabel, select, insert)
  container.before(bar)
  const refresh = () => {
    for (const [button, active] of buttons) {
      if (active) button.setAttribute('aria-pressed', String(editor.isActive(...active)))
    }
  }
  editor.on('selectionUpdate', refresh)
  editor.on('transaction', refresh)
  editor.view.dom.addEventListener('keydown', (event) => {
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'k') { event.preventDefault(); askLink() }
  })
  return bar
}

// ------------------------------------------------------------------ block forms (from the declarations)
async function postJSON (url, payload) {
  const response = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRFToken': csrf }, body: JSON.stringify(payload) })
  return response.json()
}

function fieldInput (spec, value, id) {
  const wrap = document.createElement('div')
  wrap.className = 'field'
  const label = document.createElement('label')
  label.htmlFor = id
  label.textContent = spec.label + (spec.required ? ' (obligatoire)' : '')
  let input
  if (spec.kind === 'markdown') { input = document.createElement('textarea'); input.rows = 3 } else if (spec.kind === 'bool') {
    input = document.createElement('select')
    input.append(new Option('', ''), new Option('oui', 'oui'), new Option('non', 'non'))
  } else { input = document.createElement('input'); if (spec.kind === 'url' || spec.kind === 'video') input.inputMode = 'url' }
  input.id = id
  input.name = spec.name
  input.value = value || ''
  if (spec.required) input.required = true
  wrap.append(label, input)
  if (spec.help) {
    const help = document.createElement('p')
    help.className = 'help'
    help.id = `${id}-help`
    help.textContent = spec.help
    input.setAttribute('aria-describedby', help.id)
    wrap.append(help)
  }
  return wrap
}

function itemFieldset (spec, item, n) {
  const set = document.createElement('fieldset')
  set.className = 'block-item'
  const legend = document.createElement('legend')
  legend.textContent = `Élément ${n + 1}`
  set.append(legend)
  for (const f of spec.item_fields) set.append(fieldInput(f, item[f.name], `item-${n}-${f.name}`))
  const remove = document.createElement('button')
  remove.type = 'button'
  remove.textContent = `Retirer l’élément ${n + 1}`
  remove.addEventListener('click', () => set.remove())
  set.append(remove)
  return set
}

async function openBlockForm (name, raw, pos) {
  let values = { params: {}, body: '', items: [{}] }
  if (raw !== null) {
    const read = await postJSON('/admin/pages/bloc/lire', { raw })
    if (read.error) { window.alert(read.error); return }
    values = read
    name = read.name
    if (!values.items.length) values.items = [{}]
  }
  const spec = specs[name]
  const dialog = document.createElement('dialog')
  dialog.className = 'block-dialog'
  dialog.setAttribute('aria-labelledby', 'block-dialog-title')
  const f = document.createElement('form')
  f.method = 'dialog'
  const title = document.createElement('h2')
  title.id = 'block-dialog-title'
  title.textContent = `${raw === null ? 'Insérer' : 'Modifier'} : ${spec.label}`
  const help = document.createElement('p')
  help.textContent = spec.help
  f.append(title, help)
  for (const p of spec.params) f.append(fieldInput(p, values.params[p.name], `param-${p.name}`))
  let bodyInput = null
  if (spec.body === 'markdown') {
    bodyInput = fieldInput({ name: 'body', label: 'Texte du bloc', help: spec.body_help, kind: 'markdown' }, values.body, 'block-body')
    f.append(bodyInput)
  }
  const items = document.createElement('div')
  if (spec.body === 'yaml') {
    values.items.forEach((item, n) => items.append(itemFieldset(spec, item, n)))
    const add = document.createElement('button')
    add.type = 'button'
    add.textContent = 'Ajouter un élément'
    add.addEventListener('click', () => { const set = itemFieldset(spec, {}, items.children.length); items.append(set); set.querySelector('input, textarea').focus() })
    f.append(items, add)
  }
  const ok = document.createElement('button')
  ok.type = 'submit'
  ok.className = 'primary'
  ok.textContent = raw === null ? 'Insérer le bloc' : 'Enregistrer le bloc'
  const cancel = document.createElement('button')
  cancel.type = 'button'
  cancel.textContent = 'Annuler'
  cancel.addEventListener('click', () => dialog.close())
  f.append(ok, cancel)
  dialog.append(f)
  document.body.append(dialog)
  dialog.addEventListener('close', () => { dialog.remove(); editor.commands.focus() })
  f.addEventListener('submit', async (event) => {
    event.preventDefault()
    const params = {}
    for (const p of spec.params) params[p.name] = f.querySelector(`#param-${p.name}`).value
    const list = [...items.querySelectorAll('.block-item')].map((set) => Object.fromEntries(
      spec.item_fields.map((field) => [field.name, set.querySelector(`[name="${field.name}"]`).value])))
    const answer = await postJSON('/admin/pages/bloc', { name, params, body: bodyInput ? bodyInput.querySelector('textarea').value : '', items: list })
    if (answer.error) { window.alert(answer.error); return }
    const node = { type: 'estradeBlock', attrs: { raw: answer.raw, name } }
    // After a selected card, never over it (a card just inserted stays selected).
    if (pos === null) editor.chain().focus().insertContentAt(editor.state.selection.node ? editor.state.selection.to : editor.state.selection, node).run()
    else editor.chain().focus().insertContentAt({ from: pos, to: pos + editor.state.doc.nodeAt(pos).nodeSize }, node).run()
    dialog.close()
  })
  dialog.showModal()
  const first = f.querySelector('input, textarea, select')
  if (first) first.focus()
}

// ------------------------------------------------------------------ modes
function sourceMode (message) {
  if (editor) { syncBody(); root.hidden = true }
  textarea.hidden = false
  note.textContent = message
  for (const el of document.querySelectorAll('.toolbar')) el.hidden = true
}

function visualMode () {
  textarea.hidden = true
  root.hidden = false
  note.textContent = 'Mode visuel : utilisez la barre d’outils ; le bouton « Mode source » montre le texte Markdown.'
  for (const el of document.querySelectorAll('.toolbar')) el.hidden = false
}

function addModeSwitch () {
  const button = document.createElement('button')
  button.type = 'button'
  button.id = 'mode-switch'
  let visual = !root.hidden
  const label = () => { button.textContent = visual ? 'Mode source' : 'Mode visuel' }
  label()
  button.addEventListener('click', () => {
    if (visual) { sourceMode('Mode source : vous modifiez le texte Markdown directement.'); visual = false } else {
      editor.commands.setContent(textarea.value, { contentType: 'markdown' })
      visualMode(); visual = true
    }
    label()
  })
  note.before(button)
}

async function start () {
  textarea.addEventListener('input', () => { userEdited = false; changed() })
  textarea.addEventListener('blur', autosave)
  for (const el of form.querySelectorAll('.page-fields input, .page-fields select, .page-fields textarea')) {
    el.addEventListener('input', changed)
    el.addEventListener('blur', autosave)
  }
  form.addEventListener('submit', (event) => { if (event.submitter !== previewButton) { syncBody(); dirty = false; localStorage.removeItem(storageKey) } })
  window.addEventListener('beforeunload', (event) => { if (dirty) { event.preventDefault(); event.returnValue = '' } })
  setInterval(autosave, AUTOSAVE_MS)
  setInterval(ping, 20000)
  let vendor
  try {
    vendor = await import('./vendor/estrade-editor.js')
  } catch (e) {
    sourceMode('L’éditeur visuel n’a pas pu se charger : la page s’ouvre en mode source (Markdown).')
    offerRestore()
    return
  }
  const original = textarea.value
  const roundTrip = vendor.roundTrip(original, data.patterns)
  // Blank lines around the text are not the text (the server keeps the file's own).
  const trim = (text) => text.replace(/^\n+|\n+$/g, '')
  let verdict = { same: trim(roundTrip) === trim(original) }
  if (!verdict.same) {
    const body = new FormData()
    body.set('original', original)
    body.set('roundtrip', roundTrip)
    try {
      const response = await fetch(form.dataset.fidelity, { method: 'POST', body, headers: { Accept: 'application/json', 'X-CSRFToken': csrf } })
      verdict = await response.json()
    } catch (e) { verdict = { same: false } }
  }
  editor = vendor.createEditor({
    element: root,
    markdown: original,
    patterns: data.patterns,
    describe,
    onUpdate: () => { userEdited = true; changed() }
  })
  editor.view.dom.addEventListener('blur', autosave)
  root.addEventListener('estrade-edit-block', (event) => openBlockForm(null, event.detail.raw, event.detail.pos))
  buildToolbar(root)
  if (verdict.same) visualMode()
  else sourceMode('Cette page contient une mise en forme que l’éditeur visuel ne sait pas reproduire à l’identique : elle s’ouvre en mode source (Markdown) pour que rien ne change sans vous. Vous pouvez passer en mode visuel, mais relisez l’aperçu.')
  form.dataset.mode = verdict.same ? 'visual' : 'source'
  addModeSwitch()
  offerRestore()
}

start()
