/* The demand form: filter boxes for the long checkbox lists, parts shown only when they apply, and the
   policy checks run as the person edits (the form is posted to the check endpoint; each finding is shown
   beside the field its key names). Without this script the "Check" button does the same by reloading. */
(function () {
  "use strict";

  var form = document.querySelector("form[data-check-url]");
  if (!form) return;

  var labels = {
    error: form.dataset.labelError,
    warning: form.dataset.labelWarning,
    info: form.dataset.labelInfo
  };
  var verdict = form.querySelector("[data-verdict]");

  /* Checkbox lists: a filter box, and how many are chosen. */
  form.querySelectorAll("[data-choice-list]").forEach(function (list) {
    var filter = list.querySelector("[data-choice-filter]");
    var count = list.querySelector("[data-choice-count]");
    var boxes = list.querySelectorAll("input[type=checkbox]");

    function counted() {
      var chosen = 0;
      boxes.forEach(function (box) { if (box.checked) chosen += 1; });
      count.textContent = chosen ? "(" + chosen + ")" : "";
    }

    function filtered() {
      var words = filter.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      list.querySelectorAll("[data-search]").forEach(function (choice) {
        var text = choice.dataset.search;
        var found = words.every(function (word) { return text.indexOf(word) !== -1; });
        choice.hidden = !(found || choice.querySelector("input").checked);
      });
      list.querySelectorAll(".choice-group").forEach(function (group) {
        group.hidden = !group.querySelector("[data-search]:not([hidden])");
      });
    }

    if (boxes.length > 8) {
      filter.hidden = false;
      filter.addEventListener("input", filtered);
      /* Enter in the filter box must not submit the form. */
      filter.addEventListener("keydown", function (event) {
        if (event.key === "Enter") event.preventDefault();
      });
    }
    list.addEventListener("change", counted);
    counted();
  });

  /* The special project's name and year, and foreign funding's parts, only when they apply. */
  function dependents() {
    var kind = form.querySelector("input[name=special_project_kind]:checked");
    var stated = kind && kind.value && kind.value !== "none";
    ["special_project_name", "special_project_year"].forEach(function (name) {
      var wrapper = form.querySelector("[data-field=" + name + "]");
      if (wrapper) wrapper.hidden = !stated;
    });
    var funded = form.querySelector("input[name=foreign_funded]");
    ["funding_funder", "funding_institution", "funding_content", "funding_amount"].forEach(function (name) {
      var wrapper = form.querySelector("[data-field=" + name + "]");
      if (wrapper && funded) wrapper.hidden = !funded.checked;
    });
  }

  /* The checks. */
  function item(finding) {
    var li = document.createElement("li");
    li.className = "finding finding-" + finding.severity;
    li.dataset.rule = finding.rule;
    var severity = document.createElement("span");
    severity.className = "severity";
    severity.textContent = labels[finding.severity] || finding.severity;
    var source = document.createElement("small");
    source.className = "source muted";
    source.textContent = finding.source;
    li.append(severity, " ", finding.message, " ", source);
    return li;
  }

  function show(result) {
    var lists = {};
    form.querySelectorAll("[data-findings-for]").forEach(function (list) {
      list.replaceChildren();
      lists[list.dataset.findingsFor] = list;
    });
    var firing = {};
    result.findings.forEach(function (finding) {
      (lists[finding.key] || lists["*"]).append(item(finding));
      firing[finding.rule] = true;
    });
    form.querySelectorAll("[data-key]").forEach(function (row) {
      row.classList.toggle("has-error", !!row.querySelector(".finding-error, .field-error"));
    });
    form.querySelectorAll("[data-justify]").forEach(function (box) {
      var text = box.querySelector("textarea");
      var rule = box.dataset.justify;
      box.hidden = !(firing[rule] || text.value.trim());
      box.classList.toggle("needed", result.needs_justification.indexOf(rule) !== -1);
    });
    Object.keys(result.counts).forEach(function (severity) {
      var count = form.querySelector("[data-count=" + severity + "]");
      if (count) count.textContent = result.counts[severity];
    });
    verdict.textContent = result.verdict;
    verdict.classList.toggle("ready", result.publishable);
  }

  var timer = null;
  var latest = 0;

  function run() {
    var body = new FormData(form);
    body.delete("action");
    var mine = ++latest;
    verdict.textContent = form.dataset.checking;
    fetch(form.dataset.checkUrl, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-Requested-With": "XMLHttpRequest" }
    })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (result) { if (mine === latest) show(result); })
      .catch(function () { if (mine === latest) verdict.textContent = form.dataset.checkFailed; });
  }

  function edited(event) {
    if (event.target.matches("[data-choice-filter]")) return;
    dependents();
    window.clearTimeout(timer);
    timer = window.setTimeout(run, 500);
  }

  form.addEventListener("input", edited);
  form.addEventListener("change", edited);
  dependents();
})();
