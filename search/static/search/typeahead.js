/* A typeahead for the portal's search boxes: institutions, fields and countries as the person types.
 *
 * Progressive enhancement: the box is a plain search input of a GET form and works without this script.
 * With it, the input becomes an ARIA 1.2 combobox (role=combobox, aria-expanded, aria-controls,
 * aria-activedescendant) controlling a listbox of suggestions from GET /api/v1/suggest (search/suggest.py).
 * Keys: Down/Up move through the suggestions (opening the list), Enter follows the active suggestion (or
 * submits the form as typed when none is active), Escape closes the list (or clears the box when closed),
 * Home/End stay in the text. Focus never leaves the input.
 *
 * Markup: <input data-typeahead="/api/v1/suggest" data-typeahead-status="{n} suggestions"
 *   data-typeahead-none="No suggestion" [data-typeahead-pick="#form-id"]>
 * With data-typeahead-pick, a field or country chosen selects the option of that form's select named by the
 * suggestion's `param` map (field → fields, country → destinations) instead of leaving the page. */
(function () {
  "use strict";

  var PICK_SELECTS = { field: "fields", country: "destinations" };
  var DELAY_MS = 150;
  var counter = 0;

  function language() {
    var lang = (document.documentElement.lang || "en").toLowerCase();
    return lang.indexOf("zh") === 0 ? "zh-hans" : "en";
  }

  function Typeahead(input) {
    counter += 1;
    this.input = input;
    this.endpoint = input.getAttribute("data-typeahead");
    this.pickForm = input.getAttribute("data-typeahead-pick")
      ? document.querySelector(input.getAttribute("data-typeahead-pick"))
      : null;
    this.results = [];
    this.active = -1;
    this.timer = null;
    this.request = null;
    this.lastQuery = null;

    var id = (input.id || "typeahead") + "-listbox-" + counter;
    var wrapper = document.createElement("div");
    wrapper.className = "typeahead";
    input.parentNode.insertBefore(wrapper, input);
    wrapper.appendChild(input);

    this.listbox = document.createElement("ul");
    this.listbox.id = id;
    this.listbox.className = "typeahead-list";
    this.listbox.setAttribute("role", "listbox");
    var label = input.labels && input.labels.length ? input.labels[0] : null;
    if (label) {
      if (!label.id) label.id = id + "-label";
      this.listbox.setAttribute("aria-labelledby", label.id);
    } else if (input.getAttribute("aria-label")) {
      this.listbox.setAttribute("aria-label", input.getAttribute("aria-label"));
    }
    this.listbox.hidden = true;
    wrapper.appendChild(this.listbox);

    this.status = document.createElement("div");
    this.status.className = "visually-hidden";
    this.status.setAttribute("role", "status");
    wrapper.appendChild(this.status);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", id);
    input.setAttribute("autocomplete", "off");

    input.addEventListener("input", this.onInput.bind(this));
    input.addEventListener("keydown", this.onKeydown.bind(this));
    input.addEventListener("blur", this.close.bind(this, false));
    // mousedown, not click: the input keeps its focus, so its blur does not close the list first.
    this.listbox.addEventListener("mousedown", this.onPointer.bind(this));
  }

  Typeahead.prototype.onInput = function () {
    var self = this;
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(function () {
      self.fetch(self.input.value);
    }, DELAY_MS);
  };

  Typeahead.prototype.fetch = function (value) {
    var self = this;
    var query = value.trim();
    if (!query) {
      this.show([]);
      return;
    }
    if (query === this.lastQuery) return;
    this.lastQuery = query;
    if (this.request) this.request.abort();
    this.request = window.AbortController ? new AbortController() : null;
    var url = this.endpoint + "?" + new URLSearchParams({ q: query, lang: language() }).toString();
    window
      .fetch(url, { headers: { Accept: "application/json" }, signal: this.request && this.request.signal })
      .then(function (response) {
        // Throttled or failing: the box stays a plain search box.
        return response.ok ? response.json() : { results: [] };
      })
      .then(function (data) {
        if (self.input.value.trim() === query) self.show(data.results || []);
      })
      .catch(function () {});
  };

  Typeahead.prototype.show = function (results) {
    this.results = results;
    this.active = -1;
    this.input.removeAttribute("aria-activedescendant");
    this.listbox.textContent = "";
    var self = this;
    results.forEach(function (result, index) {
      var option = document.createElement("li");
      option.id = self.listbox.id + "-" + index;
      option.className = "typeahead-option";
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.setAttribute("data-kind", result.kind);
      var name = document.createElement("span");
      name.className = "typeahead-name";
      name.textContent = result.name;
      option.appendChild(name);
      if (result.other_name) {
        var other = document.createElement("span");
        other.className = "typeahead-other";
        other.lang = /[\u3400-\u9fff]/.test(result.other_name) ? "zh-Hans" : "en";
        other.textContent = " " + result.other_name;
        option.appendChild(other);
      }
      var kind = document.createElement("span");
      kind.className = "typeahead-kind";
      kind.textContent = " · " + result.kind_label;
      option.appendChild(kind);
      self.listbox.appendChild(option);
    });
    var open = results.length > 0 && document.activeElement === this.input;
    this.listbox.hidden = !open;
    this.input.setAttribute("aria-expanded", open ? "true" : "false");
    var template = results.length
      ? this.input.getAttribute("data-typeahead-status") || "{n}"
      : this.input.value.trim()
        ? this.input.getAttribute("data-typeahead-none") || ""
        : "";
    this.status.textContent = template.replace("{n}", String(results.length));
  };

  Typeahead.prototype.close = function (clearStatus) {
    this.listbox.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
    this.setActive(-1);
    if (clearStatus) this.status.textContent = "";
  };

  Typeahead.prototype.isOpen = function () {
    return !this.listbox.hidden;
  };

  Typeahead.prototype.setActive = function (index) {
    var options = this.listbox.children;
    for (var i = 0; i < options.length; i += 1) {
      options[i].setAttribute("aria-selected", i === index ? "true" : "false");
      options[i].classList.toggle("active", i === index);
    }
    this.active = index;
    if (index >= 0 && options[index]) {
      this.input.setAttribute("aria-activedescendant", options[index].id);
      options[index].scrollIntoView({ block: "nearest" });
    } else {
      this.input.removeAttribute("aria-activedescendant");
    }
  };

  Typeahead.prototype.open = function () {
    if (!this.results.length) return false;
    this.listbox.hidden = false;
    this.input.setAttribute("aria-expanded", "true");
    return true;
  };

  Typeahead.prototype.onKeydown = function (event) {
    var count = this.results.length;
    if (event.key === "ArrowDown" || event.key === "Down") {
      if (!count) return;
      event.preventDefault();
      if (!this.isOpen()) {
        this.open();
        this.setActive(0);
      } else {
        this.setActive((this.active + 1) % count);
      }
    } else if (event.key === "ArrowUp" || event.key === "Up") {
      if (!count) return;
      event.preventDefault();
      if (!this.isOpen()) {
        this.open();
        this.setActive(count - 1);
      } else {
        this.setActive(this.active <= 0 ? count - 1 : this.active - 1);
      }
    } else if (event.key === "Enter") {
      if (this.isOpen() && this.active >= 0) {
        event.preventDefault();
        this.choose(this.active);
      }
    } else if (event.key === "Escape" || event.key === "Esc") {
      if (this.isOpen()) {
        event.preventDefault();
        this.close(true);
      } else if (this.input.value) {
        event.preventDefault();
        this.input.value = "";
        this.lastQuery = null;
        this.show([]);
      }
    }
  };

  Typeahead.prototype.onPointer = function (event) {
    var option = event.target.closest("[role=option]");
    if (!option) return;
    event.preventDefault();
    this.choose(Array.prototype.indexOf.call(this.listbox.children, option));
  };

  Typeahead.prototype.choose = function (index) {
    var result = this.results[index];
    if (!result) return;
    var select = this.pickForm && result.param ? this.pickForm.elements[PICK_SELECTS[result.kind]] : null;
    if (select && select.options) {
      for (var i = 0; i < select.options.length; i += 1) {
        if (select.options[i].value === result.value) select.options[i].selected = true;
      }
      select.dispatchEvent(new Event("change", { bubbles: true }));
      this.input.value = "";
      this.lastQuery = null;
      this.close(false);
      this.status.textContent = (this.input.getAttribute("data-typeahead-picked") || "{name}").replace(
        "{name}",
        result.name
      );
      return;
    }
    if (result.url) window.location.assign(result.url);
  };

  function start() {
    var inputs = document.querySelectorAll("input[data-typeahead]");
    for (var i = 0; i < inputs.length; i += 1) {
      if (!inputs[i].hasAttribute("role")) new Typeahead(inputs[i]);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
