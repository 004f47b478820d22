// The live oversight dashboard: today's figures from /api/admin/dashboard, fetched again
// whenever the board stream says something happened (at most once a second) and every 30 s.

import { api } from "/static/js/api.js";
import { currentLanguage, formatDate, formatTime, inLanguage, page, serviceName, t } from "/static/js/i18n.js";
import { connectLive } from "/static/js/live.js";
import { byId, el, replaceChildren, setText } from "/static/js/dom.js";
import { minutes, number } from "/static/js/figures.js";
import { suspendedUntil } from "/static/js/suspension.js";
import { suspensionItem } from "/static/js/suspension-controls.js";

const REFRESH_MS = 30000;
const STATE_BADGES = { open: "badge-ok", break: "badge-warn", closed: "badge-muted" };
const THROTTLE_MS = 1000;
const NOTICE_CLASSES = { problem: "notice-error", warning: "notice-warn" };

function renderTiles(data) {
  setText("tile-waiting", number(data.waiting));
  const longest = data.longest_wait;
  const unit = t("ui.admin.minutes_unit");
  setText("tile-longest", longest ? number(longest.longest_wait_minutes) : "—");
  setText(
    "tile-longest-note",
    longest ? `${unit} · ${longest.longest_waiting_number} · ${serviceName(longest.id)}` : "",
  );
  setText("tile-served", number(data.totals.served));
  setText("tile-no-show", number(data.totals.no_show));
  setText("tile-avg-wait", number(data.totals.avg_wait_minutes));
  setText("tile-avg-wait-note", data.totals.avg_wait_minutes === null ? "" : unit);
  const ikm = data.satisfaction[0];
  setText("tile-ikm", ikm ? number(ikm.ikm) : "—");
  setText(
    "tile-ikm-note",
    ikm ? t("ui.admin.ikm_note", { grade: ikm.grade, n: ikm.respondents }) : t("ui.admin.no_answers"),
  );
}

function renderServices(services) {
  replaceChildren(
    byId("services"),
    services.map((service) =>
      el(
        "tr",
        { class: service.waiting ? null : "quiet" },
        el("th", { scope: "row" }, serviceName(service.id)),
        el("td", {}, service.unit),
        el("td", { class: "num" }, number(service.waiting)),
        el(
          "td",
          { class: "num" },
          number(service.longest_wait_minutes),
          service.longest_waiting_number
            ? el("span", { class: "muted" }, ` · ${service.longest_waiting_number}`)
            : null,
        ),
        el("td", { class: "num" }, number(service.served)),
        el("td", { class: "num" }, number(service.avg_wait_minutes)),
      ),
    ),
  );
}

function renderCounters(counters) {
  replaceChildren(
    byId("counters"),
    counters.map((counter) =>
      el(
        "li",
        { class: `counter-card state-${counter.state}` },
        el("strong", {}, inLanguage(counter.names)),
        el("span", { class: `badge ${STATE_BADGES[counter.state]}` }, t(`ui.admin.state.${counter.state}`)),
        el("span", { class: "counter-ticket" }, counter.ticket ? counter.ticket.number : "—"),
        el(
          "span",
          { class: "muted" },
          counter.ticket
            ? t("ui.admin.called_at", { time: formatTime(counter.ticket.called_at) })
            : t("ui.admin.idle"),
        ),
        el(
          "span",
          { class: counter.present.length ? "counter-present" : "muted" },
          counter.present.length
            ? t("ui.admin.present", { names: counter.present.map((person) => person.username).join(", ") })
            : t("ui.admin.no_officer"),
        ),
      ),
    ),
  );
}

function renderShift(shift) {
  const start = formatTime(shift.starts_at);
  setText(
    "shift-when",
    shift.names
      ? t("ui.admin.shift_when", { name: shift.names[page.language], start, end: formatTime(shift.ends_at) })
      : t("ui.admin.whole_day_since", { start }),
  );
  const outOfTurn = Object.values(shift.out_of_turn).reduce((sum, n) => sum + n, 0);
  const pairs = [
    [t("ui.admin.served"), number(shift.totals.served)],
    [t("ui.admin.no_show"), number(shift.totals.no_show)],
    [t("ui.admin.avg_wait"), minutes(shift.totals.avg_wait_minutes)],
    [t("ui.admin.avg_service"), minutes(shift.totals.avg_service_minutes)],
    [t("ui.admin.out_of_turn"), number(outOfTurn)],
  ];
  replaceChildren(
    byId("shift"),
    pairs.flatMap(([label, value]) => [el("dt", {}, label), el("dd", {}, value)]),
  );
}

// A printer whose last ticket failed or was not confirmed by the printer is a fault.
const PRINTER_BADGES = {
  printed: ["badge-ok", "ui.admin.printer_ok"],
  unconfirmed: ["badge-warn", "ui.admin.printer_unconfirmed"],
  failed: ["badge-danger", "ui.admin.printer_failing"],
  none: ["badge-muted", "ui.admin.printer_unused"],
};

function faultText(fault) {
  const words = t(`error.print.${fault.code}`, { ...fault, detail: fault.detail || "" });
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function renderPrinters(printers) {
  replaceChildren(
    byId("printers"),
    printers.map((printer) => {
      const status = printer.status || "none";
      const [badge, state] = PRINTER_BADGES[status];
      const failing = status === "failed" || status === "unconfirmed";
      return el(
        "li",
        { "data-printer-status": status },
        el("strong", {}, printer.printer),
        el("span", { class: `badge ${badge}` }, t(state)),
        printer.paper ? el("span", { class: "muted" }, t(`ui.admin.paper.${printer.paper}`)) : null,
        failing && printer.fault
          ? el("span", { class: "printer-fault" }, faultText(printer.fault))
          : null,
      );
    }),
  );
}

// What needs a person (the server's health notices, already in both languages) and the backup.
function renderUpkeep(all, backup) {
  const language = currentLanguage();
  const notices = all.filter((notice) => notice.check !== "clock"); // the clock box says it
  replaceChildren(
    byId("notices"),
    notices.length
      ? notices.map((notice) =>
          el(
            "li",
            { class: `notice ${NOTICE_CLASSES[notice.level]}`, "data-code": notice.code },
            el("strong", {}, `${t(`ui.admin.notice_level.${notice.level}`)}: ${notice.text[language]}`),
            el("span", { class: "notice-advice" }, notice.advice[language]),
          ),
        )
      : [el("li", { class: "notice notice-ok" }, t("ui.admin.notices_none"))],
  );
  setText(
    "backup-last",
    backup
      ? t("ui.admin.backup_last", { date: formatDate(backup.made_at), time: formatTime(backup.made_at) })
      : t("ui.admin.backup_none"),
  );
}

// SKM follow-ups past their due day, with a link to the register.
function renderFollowups(overdue) {
  document.getElementById("followups-overdue").hidden = !overdue;
  if (overdue) setText("followups-overdue-link", t("ui.followup.overdue_notice", { n: overdue }));
}

// Interpreter needs waiting today or booked soon, so one is found in time; a warning when
// no officer with the skill is at an open counter.
function renderInterpreterNeeds(needs) {
  const items = [
    ...needs.waiting.map((ticket) =>
      el(
        "li",
        {},
        t("ui.admin.interpreter_waiting", {
          number: ticket.number,
          service: serviceName(ticket.service),
          time: formatTime(ticket.issued_at),
        }),
      ),
    ),
    ...needs.booked.map((booking) =>
      el(
        "li",
        {},
        t("ui.admin.interpreter_booked", {
          code: booking.code,
          service: serviceName(booking.service),
          when: `${formatDate(booking.starts_at)} ${formatTime(booking.starts_at)}`,
        }),
      ),
    ),
  ];
  byId("interpreter-needs").hidden = items.length === 0;
  byId("interpreter-uncovered").hidden = items.length === 0 || needs.covered;
  replaceChildren(byId("interpreter-list"), items);
}

// The server's wall clock jumped: the station keeps its own time until it is put right or a
// supervisor confirms the new time.
function renderClock(clock) {
  byId("clock-jump").hidden = !clock;
  if (!clock) return;
  const jumped = clock.off_minutes > 0 ? "ui.admin.clock_ahead" : "ui.admin.clock_behind";
  const key = clock.at_start ? "ui.admin.clock_at_start" : jumped;
  setText(
    "clock-jump-text",
    t(key, {
      minutes: number(Math.abs(clock.off_minutes)),
      wall: formatTime(clock.wall),
      trusted: formatTime(clock.trusted),
    }),
  );
}

byId("clock-accept").addEventListener("click", async () => {
  try {
    await api("POST", "/api/admin/clock/accept");
  } catch (failure) {
    setText("live-status", failure.message);
  }
  refresh();
});

// Carry the waiting over to their next open day: chosen numbers, or everyone of a service (or
// of every service), with the supervisor's reason.
byId("carry-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  const numbers = form.numbers.value.split(/[\s,]+/).filter(Boolean);
  const body = { reason: form.reason.value };
  if (numbers.length) body.numbers = numbers;
  else if (form.service.value) body.services = [form.service.value];
  try {
    const reply = await api("POST", "/api/admin/carry-over", body);
    setText("carry-result", t("ui.admin.carry_done", { n: reply.carried }));
    form.numbers.value = "";
  } catch (failure) {
    setText("carry-result", failure.message);
  }
  refresh();
});

function render(data) {
  renderClock(data.clock);
  renderTiles(data);
  renderServices(data.services);
  renderCounters(data.counters);
  renderShift(data.shift);
  renderPrinters(data.printers);
  renderSuspensions(data.suspended || {});
  renderUpkeep(data.notices, data.backup);
  renderFollowups(data.followups_overdue);
  renderInterpreterNeeds(data.interpreter_needs);
  setText("live-status", t("ui.admin.updated_at", { time: formatTime(data.now) }));
}

// Every service: running (with a form to suspend it: a reason and an expected time) or
// suspended (why, until when, and a button to resume it). Rebuilt only when a suspension
// changes, so a supervisor typing a reason never loses it to a refresh.
let suspensionsShown = null;

function renderSuspensions(suspended) {
  const shown = JSON.stringify(suspended);
  if (shown === suspensionsShown) return;
  suspensionsShown = shown;
  replaceChildren(
    byId("suspensions"),
    Object.keys(page.service_names).map((id) => suspensionItem(id, suspended[id], SUSPENSION_PAGE)),
  );
}

// The dashboard's words for the suspension controls, and what it shows beside each service.
const SUSPENSION_PAGE = {
  labels: {
    resume: t("ui.admin.resume"),
    suspend: t("ui.admin.suspend"),
    reason: t("ui.admin.suspend_reason"),
    until: t("ui.admin.suspend_until"),
  },
  shown: {
    suspended: (suspension) => [
      el("span", { class: "badge badge-warn" }, t("ui.common.suspended")),
      ` ${suspension.reason} · ${suspendedUntil(suspension)} `,
    ],
    running: () => [el("span", { class: "badge badge-ok" }, t("ui.admin.running"))],
  },
  errorNotice: () => byId("suspension-error"),
  describe: (failure) => failure.message,
  done: () => refresh(),
};

let pending = null;
let lastFetch = 0;

async function refresh() {
  pending = null;
  lastFetch = Date.now();
  try {
    render(await api("GET", "/api/admin/dashboard"));
  } catch (failure) {
    if (failure.status === 401 || failure.status === 403) window.location.reload();
    else setText("live-status", failure.message);
  }
}

function soon() {
  if (pending) return;
  pending = setTimeout(refresh, Math.max(0, THROTTLE_MS - (Date.now() - lastFetch)));
}

render(page.dashboard);
const live = connectLive({
  onSnapshot: soon,
  onEvent: soon,
  onStatus: (online) => {
    byId("offline-mark").hidden = online;
  },
});
live.on("counter.presence", soon); // an officer came to or left a counter
setInterval(soon, REFRESH_MS);
