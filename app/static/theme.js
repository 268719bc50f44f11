// The theme form's live preview: each change posts the form to the preview address and the
// frame shows the site's home page with those (unsaved) settings. Without this script the
// « Actualiser l’aperçu » button does the same.
const form = document.getElementById('theme-form')
const button = document.getElementById('preview-button')
let timer = null

function refresh () {
  clearTimeout(timer)
  timer = setTimeout(() => { if (form.requestSubmit) form.requestSubmit(button); else button.click() }, 250)
}

if (form) {
  form.addEventListener('input', (event) => {
    const output = form.querySelector(`output[for="${event.target.id}"]`)
    if (output) output.textContent = event.target.value
    refresh()
  })
  form.addEventListener('change', refresh)
}
const errors = document.getElementById('theme-errors')
if (errors) errors.focus()
