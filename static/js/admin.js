/* The admin in the editor's language, and a name for every control.
   - Translation tabs and the language switch read 简体中文 / English, not ZH-HANS / EN.
   - The rich-text editor's toolbar tooltips are English words in its code; they are
     translated here (its dialogs use the JavaScript catalog themselves).
   - Controls that other scripts build without a name get one: the editor's text area,
     the autocomplete boxes (select2). */
(() => {
  "use strict";
  const gettext = window.gettext || ((text) => text);
  const gettext_noop = (text) => text;
  const names = Object.fromEntries(
    JSON.parse(document.getElementById("admin-languages").textContent).map(({ code, name_local }) => [
      code.replace("-", "_"),
      name_local,
    ]),
  );
  // The editor's own words, so that makemessages finds them (djangojs catalog).
  gettext_noop("bold"); gettext_noop("italic"); gettext_noop("paragraph");
  gettext_noop("heading 2"); gettext_noop("heading 3"); gettext_noop("heading 4");
  gettext_noop("unordered list"); gettext_noop("ordered list"); gettext_noop("blockquote");
  gettext_noop("Paragraph"); gettext_noop("Heading 2"); gettext_noop("Heading 3");
  gettext_noop("Heading 4"); gettext_noop("horizontal rule"); gettext_noop("insert link");
  gettext_noop("remove link");
  gettext_noop("figure"); gettext_noop("undo"); gettext_noop("redo"); gettext_noop("Styles");
  gettext_noop("Add caption"); gettext_noop("Alternative Text"); gettext_noop("Browse...");
  gettext_noop("Cancel"); gettext_noop("Caption"); gettext_noop("Edit Figure");
  gettext_noop("Edit Image"); gettext_noop("Edit Link"); gettext_noop("Image URL");
  gettext_noop("Insert Figure"); gettext_noop("Insert"); gettext_noop("List properties");
  gettext_noop("List type"); gettext_noop("Decimal numbers"); gettext_noop("Lowercase letters");
  gettext_noop("Uppercase letters"); gettext_noop("Lowercase Roman numerals");
  gettext_noop("Uppercase Roman numerals"); gettext_noop("Start at");
  gettext_noop("Open in new window"); gettext_noop("Remove caption"); gettext_noop("Title");
  gettext_noop("Toggle fullscreen"); gettext_noop("URL"); gettext_noop("Update");
  gettext_noop("Block style"); gettext_noop("Reset all classes");

  const languageOf = (id) => Object.keys(names).find((code) => id.endsWith(`_${code}`));
  const labelText = (element) => {
    const label = element.id && document.querySelector(`label[for="${element.id}"]`);
    const text = (label ? label.textContent : element.getAttribute("aria-label") || "").trim();
    const code = languageOf(element.id || "");
    const bare = text.replace(/[:：]$/, "");
    return code && bare ? `${bare} (${names[code]})` : bare;
  };

  // The tab's links lose their href below; every tab's panel is on the page, which is what
  // jQuery UI's _isLocal() reads the href to learn.
  const jq = window.jQuery || (window.django && window.django.jQuery);
  if (jq && jq.ui && jq.ui.tabs) jq.ui.tabs.prototype._isLocal = () => true;

  function tabs(root) {
    for (const anchor of root.querySelectorAll(".ui-tabs-nav a.ui-tabs-anchor[href]")) {
      const code = languageOf(anchor.getAttribute("href"));
      if (code) anchor.textContent = names[code];
      // The tab (its <li>) takes the focus and the keys; a link inside it would be a
      // second control in one (jQuery UI reads the href only in _isLocal, answered above).
      anchor.removeAttribute("href");
    }
    const select = root.querySelector("#modeltranslation-main-switch:not([aria-label])");
    if (select) {
      select.setAttribute("aria-label", gettext("Language of the fields"));
      for (const option of select.options) {
        const code = option.textContent.trim().replace("-", "_");
        if (names[code]) option.textContent = names[code];
      }
    }
  }

  function editors(root) {
    for (const button of root.querySelectorAll(".prose-menubar__button[title]")) {
      if (button.dataset.translated) continue;
      button.dataset.translated = "1";
      button.title = gettext(button.title);
      if (button.hasAttribute("aria-label")) button.setAttribute("aria-label", button.title);
    }
    // Buttons that show words instead of an icon (the block style menu) get them as title.
    for (const button of root.querySelectorAll(".prose-menubar__button:not([title]), .prose-menubar__button[title='']")) {
      const text = button.textContent.trim();
      if (!text || button.children.length) continue;
      button.textContent = gettext(text);
      button.title = button.textContent;
    }
    for (const item of root.querySelectorAll(
      ".prose-menubar__option > :not([data-translated]), .prose-menubar__selected > :not([data-translated])",
    )) {
      item.dataset.translated = "1";
      if (!item.children.length) item.textContent = gettext(item.textContent);
    }
    for (const area of root.querySelectorAll(".prose-editor .ProseMirror[contenteditable]:not([aria-label])")) {
      const field = area.closest(".prose-editor").querySelector("textarea");
      if (field) area.setAttribute("aria-label", labelText(field));
    }
  }

  function autocompletes(root) {
    for (const select of root.querySelectorAll("select.admin-autocomplete")) {
      const box = select.nextElementSibling;
      const combo = box && box.querySelector(".select2-selection[role=combobox]");
      if (!combo || combo.dataset.named) continue;
      combo.dataset.named = "1";
      const name = document.createElement("span");
      name.id = `${select.id}-name`;
      name.hidden = true;
      name.textContent = labelText(select);
      box.append(name);
      const shown = combo.querySelector(".select2-selection__rendered");
      if (shown) {
        shown.removeAttribute("role");
        shown.removeAttribute("aria-readonly");
      }
      combo.setAttribute("aria-labelledby", [name.id, shown && shown.id].filter(Boolean).join(" "));
    }
  }

  // Inserting an image is one step: the editor's image button opens the picker at once
  // (its dialog's "Browse…", for a new image only), and the picker inserts what is chosen.
  function imageDialogs(root) {
    for (const dialog of root.querySelectorAll("dialog[open]:not([data-picker-opened])")) {
      const url = dialog.querySelector("input[name=imageUrl]");
      const browse = dialog.querySelector(".prose-editor-field-with-picker button");
      if (!url || !browse) continue;
      dialog.dataset.pickerOpened = "1";
      if (!url.value) browse.click();
    }
  }

  function fix(root) {
    tabs(root);
    editors(root);
    autocompletes(root);
    imageDialogs(root);
  }
  let queued = false;
  new MutationObserver(() => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      fix(document);
    });
  }).observe(document.documentElement, { childList: true, subtree: true });
  fix(document);
})();
