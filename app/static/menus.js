// Drag and drop for the menu: drop an entry where it goes, and the new order is posted at
// once (op=ordre). The « Monter » / « Descendre » buttons work without this script.
const list = document.getElementById('menu-list')
const status = document.getElementById('menu-status')
let dragged = null

function entries () { return [...list.querySelectorAll('.menu-entry')] }

async function saveOrder () {
  const order = entries().map((li) => li.dataset.index).join(',')
  const body = new FormData()
  body.append('csrf_token', list.querySelector('input[name=csrf_token]').value)
  body.append('version', list.dataset.version)
  body.append('op', 'ordre')
  body.append('order', order)
  status.textContent = 'Enregistrement du nouvel ordre…'
  const response = await fetch(list.dataset.url, { method: 'POST', body, headers: { Accept: 'application/json' } })
  if (response.ok) {
    window.location.reload()
  } else {
    status.textContent = 'Le nouvel ordre n’a pas pu être enregistré : rechargez la page.'
  }
}

if (list) {
  for (const li of entries()) {
    li.addEventListener('dragstart', (event) => {
      if (event.target.closest('input, button')) return
      dragged = li
      li.classList.add('dragging')
      event.dataTransfer.effectAllowed = 'move'
      event.dataTransfer.setData('text/plain', li.dataset.index)
    })
    li.addEventListener('dragend', () => { li.classList.remove('dragging') })
    li.addEventListener('dragover', (event) => {
      if (!dragged || dragged === li) return
      event.preventDefault()
      const box = li.getBoundingClientRect()
      li.parentNode.insertBefore(dragged, event.clientY < box.top + box.height / 2 ? li : li.nextSibling)
    })
    li.addEventListener('drop', (event) => { event.preventDefault() })
  }
  list.addEventListener('drop', () => { if (dragged) { dragged = null; saveOrder() } })
}
