// The media library's upload form, improved: a file dropped on the zone goes into the file
// field, and a file over the limit is refused here with the server's own French message
// (without sending megabytes the server would refuse anyway). Without this script the plain
// form works and the server says the same.
const form = document.getElementById('upload-form')
const input = document.getElementById('file')
const zone = document.getElementById('drop-zone')

function showError (text) {
  let box = document.getElementById('upload-error')
  if (!box) {
    box = document.createElement('div')
    box.id = 'upload-error'
    box.className = 'error-summary'
    box.setAttribute('role', 'alert')
    box.tabIndex = -1
    form.closest('section').before(box)
  }
  box.replaceChildren(Object.assign(document.createElement('p'), { textContent: text }))
  box.focus()
}

if (form) {
  const limit = Number(form.dataset.maxBytes)
  form.addEventListener('submit', (event) => {
    const file = input.files[0]
    if (file && limit && file.size > limit) {
      event.preventDefault()
      showError(form.dataset.tooLarge)
    }
  })
  for (const name of ['dragenter', 'dragover']) {
    zone.addEventListener(name, (event) => { event.preventDefault(); zone.classList.add('dragging') })
  }
  for (const name of ['dragleave', 'drop']) {
    zone.addEventListener(name, () => zone.classList.remove('dragging'))
  }
  zone.addEventListener('drop', (event) => {
    event.preventDefault()
    if (event.dataTransfer && event.dataTransfer.files.length) {
      input.files = event.dataTransfer.files
      input.dispatchEvent(new Event('change', { bubbles: true }))
    }
  })
}
const error = document.getElementById('upload-error')
if (error) error.focus()
