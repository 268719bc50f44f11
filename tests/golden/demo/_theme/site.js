/* Estrade: click-to-load videos. Nothing is requested from the video host before the click. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-video-embed]") : null;
    if (!button) {
      return;
    }
    var holder = button.closest(".video").querySelector(".video-frame");
    var frame = document.createElement("iframe");
    frame.src = button.getAttribute("data-video-embed") + "?autoplay=1";
    frame.title = button.getAttribute("data-video-title") || "Vidéo";
    frame.setAttribute("allow", "autoplay; fullscreen; picture-in-picture");
    frame.setAttribute("allowfullscreen", "");
    frame.setAttribute("referrerpolicy", "strict-origin-when-cross-origin");
    holder.replaceChildren(frame);
    holder.hidden = false;
    button.closest(".video-consent").hidden = true;
    frame.focus();
  });
}());
