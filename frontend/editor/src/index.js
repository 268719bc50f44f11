// The Estrade page editor: TipTap 3 reading and writing the site's Markdown, with our `:::`
// blocks as cards (an atom node keeping the block's exact text). Bundled by build.mjs into
// app/static/vendor/estrade-editor.js; the page's glue (app/static/editor.js) builds the
// French toolbar and the block forms around it.
import { Editor, Node, mergeAttributes } from '@tiptap/core'
import StarterKit from '@tiptap/starter-kit'
import { Markdown } from '@tiptap/markdown'
import { TableKit } from '@tiptap/extension-table'
import Image from '@tiptap/extension-image'

// The block patterns come from app/core/publishing/blocks.py (_OPEN, _CLOSE), passed by the
// page as JSON data, so the editor cuts blocks exactly where the site's renderer does.
function blockNode (patterns, describe) {
  const open = new RegExp(patterns.open)
  const close = new RegExp(patterns.close)
  return Node.create({
    name: 'estradeBlock',
    group: 'block',
    atom: true,
    selectable: true,
    draggable: true,
    addAttributes () {
      return { raw: { default: '' }, name: { default: '' } }
    },
    parseHTML () { return [{ tag: 'div[data-estrade-block]' }] },
    renderHTML ({ HTMLAttributes }) {
      return ['div', mergeAttributes(HTMLAttributes, { 'data-estrade-block': '' })]
    },
    markdownTokenizer: {
      name: 'estradeBlock',
      level: 'block',
      start: (src) => {
        const match = /(^|\n):::/.exec(src)
        return match ? match.index + match[1].length : -1
      },
      tokenize (src) {
        const lines = src.split('\n')
        const first = open.exec(lines[0])
        if (!first) return undefined
        let end = 1
        while (end < lines.length && !close.test(lines[end]) && !open.test(lines[end])) end++
        if (end >= lines.length || !close.test(lines[end])) return undefined
        const raw = lines.slice(0, end + 1).join('\n')
        const consumed = raw.length + (end + 1 < lines.length ? 1 : 0)
        return { type: 'estradeBlock', raw: src.slice(0, consumed), text: raw, name: first[1] }
      }
    },
    parseMarkdown (token) {
      return { type: 'estradeBlock', attrs: { raw: token.text, name: token.name } }
    },
    renderMarkdown (node) {
      return node.attrs.raw
    },
    addNodeView () {
      return ({ node, getPos, editor }) => {
        const card = document.createElement('div')
        card.className = 'block-card'
        card.setAttribute('data-estrade-block', node.attrs.name)
        const title = document.createElement('p')
        title.className = 'block-card-title'
        const summary = document.createElement('pre')
        summary.className = 'block-card-text'
        const actions = document.createElement('p')
        actions.className = 'block-card-actions'
        const edit = document.createElement('button')
        edit.type = 'button'
        edit.textContent = 'Modifier'
        const remove = document.createElement('button')
        remove.type = 'button'
        remove.textContent = 'Supprimer'
        actions.append(edit, remove)
        card.append(title, summary, actions)
        let current = node
        const show = () => {
          title.textContent = describe(current.attrs.name)
          summary.textContent = current.attrs.raw
          edit.setAttribute('aria-label', `Modifier le bloc ${describe(current.attrs.name)}`)
          remove.setAttribute('aria-label', `Supprimer le bloc ${describe(current.attrs.name)}`)
        }
        show()
        edit.addEventListener('click', () => {
          card.dispatchEvent(new CustomEvent('estrade-edit-block', {
            bubbles: true, detail: { raw: current.attrs.raw, pos: getPos() }
          }))
        })
        remove.addEventListener('click', () => {
          const pos = getPos()
          editor.chain().focus().deleteRange({ from: pos, to: pos + current.nodeSize }).run()
        })
        return {
          dom: card,
          update (updated) {
            if (updated.type.name !== 'estradeBlock') return false
            current = updated
            show()
            return true
          },
          stopEvent: (event) => event.target instanceof HTMLButtonElement,
          ignoreMutation: () => true
        }
      }
    }
  })
}

export function createEditor ({ element, markdown, patterns, describe, onUpdate }) {
  return new Editor({
    element,
    extensions: [
      StarterKit.configure({
        strike: false,
        underline: false,
        code: false,
        codeBlock: false,
        link: { openOnClick: false, autolink: false, HTMLAttributes: { rel: null, target: null } }
      }),
      Markdown.configure({ indentation: { style: 'space', size: 4 } }),
      TableKit.configure({ table: { resizable: false } }),
      Image,
      blockNode(patterns, describe || ((name) => name))
    ],
    content: markdown,
    contentType: 'markdown',
    editorProps: {
      attributes: { class: 'prose', role: 'textbox', 'aria-multiline': 'true', 'aria-label': 'Texte de la page' }
    },
    onUpdate
  })
}

// Markdown → editor → Markdown without opening anything on the page (the fidelity guard).
export function roundTrip (markdown, patterns) {
  const element = document.createElement('div')
  const editor = createEditor({ element, markdown, patterns })
  const out = editor.getMarkdown()
  editor.destroy()
  return out
}
