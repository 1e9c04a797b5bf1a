/* The image picker opened by the body editor's image button: "Insert" hands the image, its
   alt text and caption back to the editor that opened this window, inserts it there, and
   closes this window. */
(() => {
  "use strict";
  const funcNum = new URLSearchParams(location.search).get("CKEditorFuncNum");
  const editor = window.opener && funcNum ? window.opener.CKEDITOR : null;
  if (!editor) {
    document.getElementById("picker-needs-editor").hidden = false;
    for (const button of document.querySelectorAll("[data-insert-image]")) button.disabled = true;
    return;
  }
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-insert-image]");
    if (!button) return;
    const { url, id, alt, caption } = button.dataset;
    editor.tools.callFunction(Number(funcNum), url, { id, alternative_text: alt, caption });
    // The editor's dialog is filled: insert at once, unless the image has no alt text in
    // this language yet; then the dialog waits for it, its box focused.
    const dialog = window.opener.document.querySelector("dialog[open]");
    if (dialog && alt) dialog.querySelector("button[type=submit]").click();
    else if (dialog) dialog.querySelector("input[name=altText]").focus();
    window.close();
  });
  const chosen = document.querySelector(".chosen [data-insert-image]");
  if (chosen) chosen.focus();
})();
