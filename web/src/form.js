// The config form: one input per field of the grammar (the markup's own, or
// a plain text input made here for a field the markup does not know), filled
// from the running config, read back as text, with the grammar's messages
// shown under the fields they name. It holds no rules: the worker parses.
import { formatValue } from "./link.js";

const $ = (id) => document.getElementById(id);

export class ConfigForm {
  // onApply(fields, {force}): the form's text by field name, on a change
  // (force false: nothing to do if it is the config that runs) or a submit.
  constructor({ onApply, onPreset }) {
    this.form = $("config-form");
    this.none = $("f-momentum-none");
    this.names = [];
    this.defaults = {};
    this.inputs = {};
    this.onApply = onApply;
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      onApply(this.read(), { force: true });
    });
    this.none.addEventListener("change", () => {
      const input = this.inputs.momentum;
      if (this.none.checked) {
        input.dataset.last = input.value;
        input.value = "";
      } else {
        input.value = input.dataset.last || this.defaults.momentum || "0.1";
      }
      input.disabled = this.none.checked;
      onApply(this.read(), { force: false });
    });
    $("preset-article").addEventListener("click", () => {
      this.fill(this.defaults);
      onPreset(this.read());
    });
  }

  // fields: Module.configFields(), [{name, defaultText, ...}].
  setFields(fields) {
    this.names = fields.map((f) => f.name);
    this.defaults = Object.fromEntries(fields.map((f) => [f.name, f.defaultText]));
    // Fields the markup does not have (the scenario's) go two to a row.
    let row = null;
    for (const f of fields) {
      let input = $(`f-${f.name}`);
      if (!input) {
        if (!row || row.children.length === 2) {
          row = document.createElement("div");
          row.className = "field-row";
          $("extra-fields").append(row);
        }
        input = this.#makeField(f, row);
      }
      input.addEventListener("change", () => this.onApply(this.read(), { force: false }));
      this.inputs[f.name] = input;
    }
  }

  // The label is the link's name, the placeholder the grammar's word for unset
  // (never, same), the tooltip its range.
  #makeField(f, row) {
    const wrap = document.createElement("div");
    wrap.className = "field";
    const label = document.createElement("label");
    label.htmlFor = `f-${f.name}`;
    label.textContent = f.name;
    const input = document.createElement("input");
    input.id = `f-${f.name}`;
    input.name = f.name;
    input.type = "text";
    input.spellcheck = false;
    input.inputMode = f.kind.endsWith("integer") ? "numeric" : "decimal";
    if (f.absentWord) input.placeholder = f.absentWord;
    input.title = `${f.name}: ${f.range}`;
    const error = document.createElement("p");
    error.className = "field-error";
    error.id = `e-${f.name}`;
    error.hidden = true;
    wrap.append(label, input, error);
    row.append(wrap);
    return input;
  }

  // config: values by name (a parsed config) or text (the defaults).
  fill(config) {
    for (const name of this.names) {
      if (name === "momentum") continue;
      this.inputs[name].value = formatValue(config[name], name);
    }
    const momentum = this.inputs.momentum;
    if (momentum) {
      const none = formatValue(config.momentum) === "none";
      this.none.checked = none;
      momentum.disabled = none;
      momentum.value = none ? "" : formatValue(config.momentum);
      if (none && !momentum.dataset.last) momentum.dataset.last = this.defaults.momentum ?? "";
    }
    this.clearErrors();
  }

  read() {
    const fields = {};
    for (const name of this.names) fields[name] = this.inputs[name].value;
    if (this.inputs.momentum && this.none.checked) fields.momentum = "none";
    return fields;
  }

  // True when the form says what `config` says.
  matches(config) {
    const fields = this.read();
    return this.names.every((name) => fields[name] === formatValue(config[name], name));
  }

  clearErrors() {
    for (const name of [...this.names, "size"]) this.#setError(name, null);
  }

  // errors: [{field, message}]; one that names no input shows under the form.
  showErrors(errors) {
    this.clearErrors();
    const byField = new Map();
    for (const e of errors) {
      const field = this.inputs[e.field] ? e.field : "size";
      // Where PyTorch itself refuses the config, its own words first.
      const text = e.pytorchError
        ? `What PyTorch would raise: ${e.pytorchError}. In training, batch · height · width ` +
          "must be at least 2 (freeze = 0, eval mode from the start, runs a batch of one)."
        : e.message;
      byField.set(field, [...(byField.get(field) ?? []), text]);
    }
    for (const [field, messages] of byField) this.#setError(field, messages.join(" "));
  }

  #setError(field, message) {
    const el = $(`e-${field}`);
    if (!el) return;
    el.textContent = message || "";
    el.hidden = !message;
    const input = this.inputs[field];
    if (!input) return;
    if (message) {
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", `e-${field}`);
    } else {
      input.removeAttribute("aria-invalid");
      input.removeAttribute("aria-describedby");
    }
  }
}
