// The central dashboard: every station's link and today's figures, from
// /api/central/stations (embedded in the page, then fetched again every 15 s).

import { api } from "/static/js/api.js";
import { byId, el, replaceChildren, setText } from "/static/js/dom.js";
import { formatNumber, formatTime, page, t } from "/static/js/i18n.js";
import { number } from "/static/js/figures.js";

const REFRESH_MS = 15000;
const CHAIN_BADGES = { ok: "badge-ok", gap: "badge-warn", fork: "badge-danger" };

function sameDay(first, second) {
  const day = (value) =>
    new Intl.DateTimeFormat("en-CA", { timeZone: page.timezone }).format(new Date(value));
  return day(first) === day(second);
}

function lastContact(station) {
  if (!station.last_contact) return t("ui.central.never");
  const shown = formatTime(station.last_contact);
  if (sameDay(station.last_contact, Date.now())) return shown;
  const day = new Intl.DateTimeFormat(document.documentElement.lang === "en" ? "en-GB" : "id-ID", {
    day: "numeric",
    month: "short",
    timeZone: page.timezone,
  }).format(new Date(station.last_contact));
  return `${day} ${shown}`;
}

function duration(seconds) {
  const minutes = Math.round(seconds / 60);
  if (minutes < 120) return t("ui.admin.minutes", { n: formatNumber(minutes) });
  return t("ui.central.hours", { n: formatNumber(Math.round(minutes / 60)) });
}

function behind(station) {
  if (station.behind_rows === null) return t("ui.central.no_data");
  if (station.behind_rows === 0) return t("ui.central.caught_up");
  const lag = station.behind_seconds ? ` · ${duration(station.behind_seconds)}` : "";
  return `${t("ui.central.rows", { n: formatNumber(station.behind_rows) })}${lag}`;
}

function chain(station) {
  if (station.station_row === null) return "—";
  const label =
    station.chain === "ok"
      ? t("ui.central.chain.ok")
      : t(`ui.central.chain.${station.chain}`, { row: formatNumber(station.chain_row ?? 0) });
  const badge = el("span", { class: `badge ${CHAIN_BADGES[station.chain]}` }, label);
  if (!station.restore) return badge;
  const restored = t("ui.central.restored", {
    row: formatNumber(station.restore.row),
    n: formatNumber(station.restore.superseded_rows),
    time: formatTime(station.restore.at),
  });
  return el("span", {}, badge, " ", el("span", { class: "badge badge-warn restored" }, restored));
}

function row(station) {
  const today = station.today || {};
  return el(
    "tr",
    { class: station.chain === "ok" ? null : `chain-${station.chain}` },
    el("th", { scope: "row" }, station.name, el("span", { class: "muted station-id" }, ` · ${station.id}`)),
    el("td", {}, lastContact(station)),
    el("td", {}, behind(station)),
    el("td", {}, chain(station)),
    el("td", { class: "num" }, number(today.issued)),
    el("td", { class: "num" }, number(today.waiting)),
    el("td", { class: "num" }, number(today.served)),
    el("td", { class: "num" }, number(today.avg_wait_minutes)),
    el("td", { class: "num" }, number(today.p90_wait_minutes)),
    el("td", { class: "num" }, number(today.ikm)),
  );
}

function render(stations) {
  const body = byId("stations");
  if (!stations.length) {
    replaceChildren(body, [el("tr", {}, el("td", { colspan: "10", class: "muted" }, t("ui.central.no_stations")))]);
  } else {
    replaceChildren(body, stations.map(row));
  }
  setText("live-status", t("ui.central.refreshed", { time: formatTime(new Date().toISOString()) }));
}

async function refresh() {
  try {
    render((await api("GET", "/api/central/stations")).stations);
  } catch {
    setText("live-status", t("ui.central.refresh_failed"));
  }
}

render(page.stations);
setInterval(refresh, REFRESH_MS);
