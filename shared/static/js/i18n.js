// Text from the one catalogue (embedded by the server in #page-data) and local date formats.

const data = JSON.parse(document.getElementById("page-data").textContent);
let language = data.language;

export const page = data;

export function currentLanguage() {
  return language;
}

export function setLanguage(next) {
  language = next;
  document.documentElement.lang = next;
  document.dispatchEvent(new Event("satupintu:language"));
}

// The page's other language: the one its language button switches to.
export function otherLanguage(lang = language) {
  return lang === "id" ? "en" : "id";
}

// Show the page in `lang`: every data-i18n text, and its language button (`button`) marked
// as offering the other language.
export function showInLanguage(lang, button) {
  setLanguage(lang);
  button.lang = otherLanguage(lang);
  translatePage();
}

// The catalogue text for `key` in `lang` (default: the current language), fields filled in.
// Numbers are written the language's way; an entry with a singular form (`en_one`) uses it
// when `n` is 1 ("1 person", "2 people").
export function t(key, params = {}, lang = language) {
  const entry = data.catalogue[key];
  if (!entry) {
    console.error(`missing catalogue key ${key}`);
    return key;
  }
  const template = (params.n === 1 && entry[`${lang}_one`]) || entry[lang] || entry.id;
  return template.replace(/\{(\w+)\}/g, (whole, name) => {
    if (!(name in params)) return whole;
    const value = params[name];
    return typeof value === "number" ? formatNumber(value, lang) : String(value);
  });
}

// A wait estimate as every screen shows it: a range, "under N minutes" or "called soon"
// (the ticket's `estimated_wait`, the same range the paper ticket prints).
export function waitText(range, lang = language) {
  if (!range) return t("ui.common.wait_soon", {}, lang);
  return t(range.low ? "ui.common.wait_range" : "ui.common.wait_under", range, lang);
}

// Words given in both languages ({id, en}) in `lang` (default: the current language).
export function inLanguage(names, lang = language) {
  return names[lang] || names.id;
}

// A service's name in `lang` (default: the current language). A page shown to the hall, such
// as the board, carries no private service's name: the id comes back instead. A citizen's
// ticket of a private service has no service (null): it shows the neutral label.
export function serviceName(id, lang = language) {
  if (id === null) return t("ui.common.private_services", {}, lang);
  const names = data.service_names[id];
  return names ? names[lang] || names.id : id;
}

function locale(lang) {
  return lang === "en" ? "en-GB" : "id-ID";
}

// Building an Intl formatter costs far more than using one (a board formats at every call):
// each is made once per language and kind.
const formatters = new Map();

function formatter(kind, lang, make) {
  const key = `${kind}:${lang}`;
  if (!formatters.has(key)) formatters.set(key, make(locale(lang)));
  return formatters.get(key);
}

// A timestamp shown in the station's time zone, e.g. "08.14" (id) or "08:14" (en).
export function formatTime(iso, lang = language) {
  if (!iso) return "";
  const format = formatter(
    "time",
    lang,
    (where) =>
      new Intl.DateTimeFormat(where, { hour: "2-digit", minute: "2-digit", timeZone: data.timezone }),
  );
  return format.format(new Date(iso));
}

export function formatDate(iso, lang = language) {
  const format = formatter(
    "date",
    lang,
    (where) =>
      new Intl.DateTimeFormat(where, {
        weekday: "long",
        day: "numeric",
        month: "long",
        year: "numeric",
        timeZone: data.timezone,
      }),
  );
  return format.format(iso ? new Date(iso) : new Date());
}

export function formatNumber(value, lang = language) {
  return formatter("number", lang, (where) => new Intl.NumberFormat(where)).format(value);
}

// Fill every element carrying data-i18n="key" with its text in the current language.
export function translatePage(root = document) {
  for (const element of root.querySelectorAll("[data-i18n]")) {
    element.textContent = t(element.dataset.i18n);
  }
}
