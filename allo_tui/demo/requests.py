"""Requests and their events."""

from __future__ import annotations

from allo_tui.demo.callers import _caller_number, _caller_preference, _caller_street
from allo_tui.demo.constants import _CHUNK, _DAY, _POOL, _RECENT
from allo_tui.demo.hashes import _S, _digits, _fmt, _h
from allo_tui.demo.lookups import _DESCRIPTION_POOL
from allo_tui.demo.statements import _ranges, _Statements

# The coded outcome of a demo request done (migration 0010's list), by its category: what the
# service did, matching the category's answers in `sample_text`.
_OUTCOMES = {
    "PROPRETE": "NETTOYE",
    "DEPOT": "ENLEVE",
    "TAGS": "NETTOYE",
    "ANIMAL": "ENLEVE",
    "ARBRE": "SECURISE",
    "DANGER": "SECURISE",
    "AUTRE": "INFORMATION",
}
_OUTCOME_SQL = (
    "CASE (SELECT code FROM categories WHERE id = r.cat) "
    + " ".join(f"WHEN '{code}' THEN '{outcome}'" for code, outcome in _OUTCOMES.items())
    + " ELSE 'REPARE' END"
)


def _on_clock(step: str, working: int, workhour: str) -> str:
    """Epoch seconds of a step timed on the working clock: `step` working seconds after the
    call (`r.wk0` is the call on that clock); `workhour` is the step's demo_workhour row."""
    at = f"(r.wk0 + {step})"
    return (
        f"((7 * ({at} / {working}) - 3) * {_DAY} + {workhour}.h * 3600"
        f" + {at} % {working} % 3600 - r.o)"
    )


def _step_time(step: str, flag: str, workhour: str, working: int) -> str:
    """Epoch seconds of a step: on the working clock when `flag` is set, else wall-clock
    seconds after the call."""
    return f"(CASE WHEN {flag} THEN {_on_clock(step, working, workhour)} ELSE r.t + {step} END)"


def _workhour_join(alias: str, step: str, working: int, left: bool = False) -> str:
    join = "LEFT JOIN" if left else "JOIN"
    return f" {join} demo_workhour {alias} ON {alias}.n = (r.wk0 + {step}) % {working} / 3600"


class _RequestSteps(_Statements):
    """The staged requests, the requests and their events."""

    def request_stage(self, *, full: bool) -> None:
        """demo_rq: one row per request with what both processes need (all of it if `full`)."""
        R = self.R
        self.execute(f"CREATE TEMP TABLE demo_rq ({', '.join(self._request_stage_columns(full))})")
        if not R:
            return
        numbers = self._layer("SELECT ? + n.j AS rid FROM demo_nums n WHERE n.j <= ?")
        calls_of = self._layer(f"SELECT rid, {self._request_call('rid')} AS k FROM {numbers}")
        hashed = self._layer(
            "SELECT c.rid, c.k, dd.year, dd.first_rid, dd.utc_offset,"
            f" dd.midnight + {self._second('c.k')} AS t, dd.midnight, dd.clock, dd.open_h, dd.d,"
            f" {self._call_hashes('c.k')}, {_h('c.k', _S.REQ_A)} AS qa FROM {calls_of} c"
            " JOIN demo_days dd ON dd.d = (SELECT d FROM demo_days INDEXED BY demo_days_first_k"
            " WHERE first_k <= c.k ORDER BY first_k DESC LIMIT 1)"
        )
        # a duplicate (3 %) repeats an original among the 40 requests before it: same category,
        # same place; the original is not itself a duplicate nor one of the showcase requests
        is_dup = f"h.rid > 20 AND sc.rid IS NULL AND {_digits('h.qa', 1, 1000)} < 30"
        orig = f"h.rid - 1 - {_digits('h.qa', 1000, 100)} % min(40, h.rid - 1)"
        # the call on the working clock (working seconds; calls are in working hours)
        clock = (
            "h.clock + ((h.t - h.midnight) / 3600 - h.open_h) * 3600 + (h.t - h.midnight) % 3600"
        )
        called = self._layer(
            f"SELECT h.rid, h.k, h.year, h.first_rid, h.utc_offset, h.t, h.d, {clock} AS wk0,"
            f" h.ka, h.qa, {self._caller_case('1')} AS caller, sc.rid AS sc_rid,"
            " sc.cat AS sc_cat, sc.urgency AS sc_urgency,"
            f" CASE WHEN {is_dup} THEN {orig} END AS want"
            f" FROM {hashed} h LEFT JOIN demo_showcase sc ON sc.rid = h.rid"
        )
        located = self._layer(
            f"SELECT *, CASE WHEN want IS NOT NULL THEN {self._request_call('want')} END"
            f" AS want_k FROM {called}"
        )
        valid = (
            f"want_k IS NOT NULL AND NOT (want > 20 AND {_digits(_h('want_k', _S.REQ_A), 1, 1000)}"
            " < 30) AND want NOT IN (SELECT rid FROM demo_showcase)"
        )
        found = self._layer(f"SELECT *, CASE WHEN {valid} THEN want_k END AS o_k FROM {located}")
        src_k = "coalesce(o_k, k)"
        requests = self._layer(
            "SELECT rid AS id, k, t, d, year, first_rid, utc_offset, wk0, caller, ka, qa,"
            f" CASE WHEN o_k IS NULL THEN 0 ELSE want END AS orig, {src_k} AS src_k,"
            f" CASE WHEN o_k IS NULL THEN caller ELSE {self._caller_of('o_k')} END AS src_caller,"
            " coalesce(sc_cat, (SELECT cat FROM demo_cat_bucket WHERE b ="
            f" {_h(src_k, _S.CAT)} % 1000)) AS cat, sc_urgency AS ufix,"
            f" sc_rid IS NOT NULL AS show FROM {found}"
        )
        sql = self._with(
            f"INSERT INTO demo_rq SELECT * FROM {self._request_layers(full, requests)}"
        )
        for low, high in _ranges(1, R, _CHUNK):
            self.execute(sql, (low, high - low))
            self._tick("stage" if full else "text", high - low + 1)

    @staticmethod
    def _request_stage_columns(full: bool) -> list[str]:
        columns = ["id INTEGER PRIMARY KEY", "year", "seq", "cat", "street_i", "street_number"]
        columns += ["landmark_i", "desc_i"]
        if full:
            columns += ["k", "t", "d", "o", "wk0", "micro", "caller", "urgency", "service", "how"]
            columns += ["kind", "tpl", "hostess", "sup", "lead", "orig", "answer_i"]
        return columns

    def _request_layers(self, full: bool, requests: str) -> str:
        """demo_rq's rows: the `requests` with their hashes (layer 1), the choices made from
        them (layer 2), in the order of `_request_stage_columns` (layer 3)."""
        counts, now = self.plan.counts, self.plan.now
        hashes = [
            f"{_h('r.k', _S.REQ_B)} AS qb",
            f"{_h('r.src_k', _S.LOC_A)} AS la",
            f"{_h('r.src_k', _S.LOC_B)} AS lb",
            f"{_h('r.src_caller', _S.CALLER_B)} AS hcb",
            f"{_h('r.src_caller', _S.CALLER_C)} AS hcc",
        ]
        if full:
            hashes += [
                f"{_h('r.k', _S.REQ_C)} AS qc",
                f"{_h('r.k', _S.REQ_D)} AS qd",
                f"{_h('r.caller', _S.CALLER_D)} AS pcd",
                f"{_h('r.caller', _S.CALLER_E)} AS pce",
            ]
        layer1 = self._layer(
            f"SELECT r.*, ct.service AS cat_service, ct.urgency AS cat_urgency, ct.n_ans,"
            f" ct.autre, {', '.join(hashes)} FROM {requests} r JOIN demo_cats ct ON ct.id = r.cat"
        )
        home = f"(src_caller > 0 AND {_digits('la', 1, 100)} < 45)"
        index = _digits("la", 10_000, 100_000)
        own_street = (
            f"CASE WHEN {_digits('la', 100, 100)} < 93 THEN {index} % {self.nv}"
            f" ELSE {self.nv} + {index} % {max(1, self.nl)} END"
        )
        u = f"{_digits('lb', 1_000_000, 1000)} / 1000.0"
        own_number = (
            f"CASE WHEN {_digits('lb', 1, 100)} < 55 THEN"
            f" CAST(1 + 140 * {u} * {u} AS INTEGER) ELSE '' END"
        )
        choices = {
            "id": "id",
            "year": "year",
            "seq": "id - first_rid + 1",
            "cat": "cat",
            "street_i": f"CASE WHEN {home} THEN {_caller_street('hcb', self.nv, self.nl)}"
            f" ELSE {own_street} END",
            "street_number": f"CASE WHEN {home} THEN {_caller_number('hcb', 'hcc')}"
            f" ELSE {own_number} END",
            "landmark_i": f"CASE WHEN {_digits('lb', 100, 100)} < 25"
            f" THEN {_digits('lb', 10_000, 100)} % {counts['lm']} END",
            "desc_i": _digits("qb", 1, _DESCRIPTION_POOL),
        }
        if not full:
            return self._layer(f"SELECT {', '.join(choices.values())} FROM {layer1}")
        roll = _digits("qa", 100_000, 100)
        urgency = (
            f"coalesce(ufix, CASE WHEN {roll} < 86 THEN cat_urgency"
            f" WHEN {roll} < 95 THEN CASE WHEN cat_urgency = 4 THEN 3"
            " WHEN cat_urgency > 1 THEN cat_urgency - 1 ELSE 1 END"
            " WHEN cat_urgency IN (1, 2) THEN cat_urgency + 1 ELSE cat_urgency END)"
        )
        how = (
            f"CASE WHEN caller = 0 OR {_digits('qb', 10_000_000, 100)} < 7 THEN 0"
            f" ELSE {_caller_preference('pcd', 'pce', codes=True)} END"
        )
        kind_roll = _digits("qa", 10_000_000, 100)
        choices.update(
            {
                "k": "k",
                "t": "t",
                "d": "d",
                "o": "utc_offset",
                "wk0": "wk0",
                "micro": f"100000 + {_digits('qd', 10, 900_000)}",
                "caller": "caller",
                "urgency": urgency,
                "service": "cat_service",  # the mobile team's for an emergency: next layer
                "how": how,
                "kind": f"CASE WHEN autre THEN CASE WHEN {kind_roll} < 60 THEN 'remark'"
                f" WHEN {kind_roll} < 85 THEN 'complaint' ELSE 'information' END"
                f" WHEN {kind_roll} < 8 THEN 'complaint' ELSE 'intervention' END",
                "tpl": "qc",  # the template: next layer, once urgency and how are known
                "hostess": "(SELECT op FROM demo_hostesses WHERE i ="
                f" {_digits('ka', 100_000, counts['hostesses'])})",
                "sup": "(SELECT op FROM demo_supervisors WHERE i ="
                f" {_digits('qc', 100_000, 100)} % {counts['supervisors']})",
                "lead": _digits("qc", 10_000_000, 100),  # next layer
                "orig": "orig",
                "answer_i": f"{_digits('qd', 1, 10)} % n_ans",
                "show": "show",
            }
        )
        layer2 = self._layer(
            "SELECT "
            + ", ".join(f"{expression} AS {name}" for name, expression in choices.items())
            + f" FROM {layer1}"
        )
        emi = counts["emi"]
        hold = (
            f"(show OR (t > {now - _RECENT} AND {_digits('tpl', 1, 1000)} <"
            " CASE urgency WHEN 1 THEN 350 WHEN 2 THEN 250 WHEN 3 THEN 80 ELSE 250 END))"
        )
        variant = f"CASE WHEN orig > 0 THEN 1 WHEN {hold} THEN 2 ELSE 0 END"
        final = dict.fromkeys(choices)
        final.pop("show")
        final.update(
            {
                "service": f"CASE WHEN urgency = 1 AND {emi} >= 0 THEN {emi} ELSE service END",
                "tpl": f"(((urgency - 1) * 4 + how) * 3 + {variant}) * {_POOL}"
                f" + {_digits('tpl', 1000, _POOL)}",
                "lead": "coalesce((SELECT l.op FROM demo_lead_counts lc JOIN demo_leads l"
                " ON l.service = lc.service AND l.i = x.lead % lc.n WHERE lc.service ="
                f" CASE WHEN urgency = 1 AND {emi} >= 0 THEN {emi} ELSE x.service END), sup)",
            }
        )
        return self._layer(
            "SELECT "
            + ", ".join(expression or name for name, expression in final.items())
            + f" FROM {layer2} AS x"
        )

    def _request_text(self, range_sql: str) -> str:
        """The text columns of the requests in `range_sql` (a WHERE clause on r.id), named as
        in the requests table; r is demo_rq, st its street, ds its description."""
        return (
            "SELECT r.id, r.year || '-' || CASE WHEN r.seq < 100000 THEN substr(100000 + r.seq, 2)"
            " ELSE r.seq END AS reference, ds.text AS description, r.street_number,"
            " st.name AS street, CASE WHEN r.landmark_i IS NULL THEN '' ELSE (SELECT text"
            " FROM demo_words WHERE kind = 'lm' AND i = r.landmark_i) END AS landmark,"
            " st.nb AS neighbourhood, NULL AS search_description, NULL AS search_location"
            " FROM demo_rq r JOIN demo_streets st ON st.i = r.street_i"
            f" JOIN demo_descs ds ON ds.cat = r.cat AND ds.i = r.desc_i WHERE {range_sql}"
        )

    def insert_requests(self) -> None:
        now, working = self.plan.now, self.plan.counts["week"]
        how = "CASE r.how WHEN 1 THEN 'phone' WHEN 2 THEN 'letter' WHEN 3 THEN 'email' ELSE '' END"
        ack = _step_time("p.ack_off", "p.ack_snap", "wa", working)
        close = _step_time("p.close_off", "p.close_snap", "wc", working)
        last = _step_time("p.last_off", "p.last_snap", "wl", working)
        step = _step_time("s.off", "s.snap", "wh", working)
        role = "CASE p.last_role WHEN 'h' THEN r.hostess WHEN 's' THEN r.sup ELSE r.lead END"
        text = self._layer(self._request_text("r.id BETWEEN ? AND ?"))
        sql = self._with(
            "INSERT INTO requests (id, reference, ref_year, ref_seq, channel, kind, category_id,"
            " service_id, urgency, status, caller_id, street_number, street, landmark,"
            " neighbourhood, latitude, longitude, description, created_at, created_by_id,"
            " ack_due_at, intervention_due_at, acknowledged_at, acknowledged_how, answer,"
            " outcome_code, rejection_reason_code,"
            " duplicate_of_id, closed_at, updated_at, updated_by_id, version)"
            " SELECT r.id, x.reference, r.year, r.seq, 'phone', r.kind, r.cat,"
            " r.service, r.urgency, p.status, NULLIF(r.caller, 0), x.street_number,"
            " x.street, x.landmark, x.neighbourhood, NULL, NULL, x.description,"
            f" {_fmt('r.t', 'r.micro')}, r.hostess, dd.ack_due,"
            f" CASE WHEN tg.seconds IS NOT NULL THEN {_fmt('r.t + tg.seconds', 'r.micro')} END,"
            f" CASE WHEN p.ack_off IS NOT NULL THEN {_fmt(ack, 'r.micro')} END,"
            f" CASE WHEN p.ack_off IS NOT NULL THEN {how} ELSE '' END,"
            " CASE WHEN p.answered THEN (SELECT text FROM demo_answers WHERE cat = r.cat"
            " AND i = r.answer_i) ELSE '' END,"
            f" CASE WHEN p.answered THEN {_OUTCOME_SQL} ELSE '' END,"
            " CASE WHEN p.status = 'rejected' THEN 'HORS_COMPETENCE' ELSE '' END,"
            " CASE WHEN p.dup THEN r.orig END,"
            f" CASE WHEN p.close_off IS NOT NULL THEN {_fmt(close, 'r.micro')} END,"
            f" {_fmt(last, 'r.micro')}, {role}, 1"
            f" FROM {text} x JOIN demo_rq r ON r.id = x.id JOIN demo_tpl tp ON tp.tpl = r.tpl"
            # how far the request's life has gone by now: all of it, except for recent ones
            " JOIN demo_prefix p ON p.tpl = r.tpl AND p.L ="
            f" CASE WHEN r.t + tp.span <= {now} THEN tp.n ELSE (SELECT count(*)"
            f" FROM demo_steps s{_workhour_join('wh', 's.off', working)}"
            f" WHERE s.tpl = r.tpl AND {step} <= {now}) END"
            " JOIN demo_days dd ON dd.d = r.d LEFT JOIN demo_targets tg ON tg.u = r.urgency"
            + _workhour_join("wa", "p.ack_off", working, left=True)
            + _workhour_join("wc", "p.close_off", working, left=True)
            + _workhour_join("wl", "p.last_off", working)
        )
        for low, high in _ranges(1, self.R, _CHUNK):
            self.execute(sql, (low, high))
            self._tick("requests", high - low + 1)

    def insert_events(self) -> None:
        now, working = self.plan.now, self.plan.counts["week"]
        role = "CASE s.role WHEN 'h' THEN r.hostess WHEN 's' THEN r.sup ELSE r.lead END"
        at = _step_time("s.off", "s.snap", "wh", working)
        reference = (
            "o.year || '-' || CASE WHEN o.seq < 100000 THEN substr(100000 + o.seq, 2)"
            " ELSE o.seq END"
        )
        note = (
            "CASE s.note WHEN '{service}' THEN (SELECT name FROM demo_services WHERE id ="
            " r.service) WHEN '{answer}' THEN (SELECT text FROM demo_answers WHERE cat = r.cat"
            " AND i = r.answer_i) WHEN '{dup}' THEN (SELECT 'Doublon de ' || "
            f"{reference} FROM demo_rq o WHERE o.id = r.orig) ELSE s.note END"
        )
        sql = (
            "INSERT INTO events (request_id, at, operator_id, kind, old_value, new_value, note)"
            f" SELECT r.id, {_fmt(at, 'r.micro')}, {role}, s.kind, s.old, s.new, {note}"
            f" FROM demo_rq r JOIN demo_steps s ON s.tpl = r.tpl AND s.off <= {now} - r.t"
            + _workhour_join("wh", "s.off", working)
            + f" WHERE r.id BETWEEN ? AND ? AND {at} <= {now} ORDER BY r.id, s.seq"
        )
        step = max(1, _CHUNK // 4)
        for low, high in _ranges(1, self.R, step):
            self.execute(sql, (low, high))
            self._tick("events", high - low + 1)
