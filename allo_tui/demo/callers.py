"""Callers, their phone numbers and the calls."""

from __future__ import annotations

from allo_tui.demo.constants import _CHUNK, _DAY
from allo_tui.demo.hashes import _S, _digits, _fmt, _h
from allo_tui.demo.statements import _ranges, _Statements

# What a caller is, as functions of the hashes of its id (cb = CALLER_B...), so that every
# statement that needs a caller's street, number or preference computes the same.


def _caller_street(cb: str, voies: int, lieux: int) -> str:
    """Index in demo_streets of the caller's street (voies first, then lieux-dits)."""
    index = _digits(cb, 100, 100_000)
    return (
        f"(CASE WHEN {_digits(cb, 1, 100)} < 93 THEN {index} % {voies}"
        f" ELSE {voies} + {index} % {max(1, lieux)} END)"
    )


def _caller_number(cb: str, cc: str) -> str:
    """House number, a few "bis" and "ter"; low numbers are the most frequent."""
    u = f"({cb} / 10000000 / 215.0)"
    roll = _digits(cc, 1, 100)
    return (
        f"(CAST(1 + 140 * {u} * {u} AS INTEGER) ||"
        f" CASE WHEN {roll} < 4 THEN ' bis' WHEN {roll} < 5 THEN ' ter' ELSE '' END)"
    )


def _caller_has_email(cd: str) -> str:
    return f"({_digits(cd, 1, 100)} < 38)"


def _caller_preference(cd: str, ce: str, codes: bool = False) -> str:
    """Contact preference ('email', 'phone', 'letter', 'none'), or its code 3, 1, 2, 0."""
    roll = _digits(ce, 1, 100)
    names = ("3", "1", "2", "0") if codes else ("'email'", "'phone'", "'letter'", "'none'")
    return (
        f"(CASE WHEN {_caller_has_email(cd)} AND {roll} < 45 THEN {names[0]}"
        f" WHEN {roll} < 75 THEN {names[1]} WHEN {roll} < 94 THEN {names[2]} ELSE {names[3]} END)"
    )


def _caller_phone_count(ce: str) -> str:
    return f"(1 + ({_digits(ce, 100, 100)} < 25))"


class _CallerSteps(_Statements):
    """The callers, their phones and the calls (second process)."""

    def _caller_select(self, source: str) -> str:
        """INSERT INTO callers from `source`, which yields (cid, created, op)."""
        counts = self.plan.counts
        hashed = self._layer(
            f"SELECT cid, created, op, {_h('cid', _S.CALLER_A)} AS ca,"
            f" {_h('cid', _S.CALLER_B)} AS cb, {_h('cid', _S.CALLER_C)} AS cc,"
            f" {_h('cid', _S.CALLER_D)} AS cd, {_h('cid', _S.CALLER_E)} AS ce FROM ({source})"
        )
        female = f"({_digits('x.ca', 10_000, 100)} < 52)"
        names = self._layer(
            "SELECT x.*, coalesce(sc.surname, sn.name) AS surname,"
            " coalesce(sc.given, gn.name) AS given, coalesce(sc.slug_s, sn.slug) AS slug_s,"
            " coalesce(sc.slug_g, gn.slug) AS slug_g, st.name AS street, st.nb AS nb"
            f" FROM {hashed} x LEFT JOIN demo_showcase_callers sc ON sc.id = x.cid"
            f" JOIN demo_surname_bucket sb ON sb.b = {_digits('x.ca', 1, 10_000)}"
            " JOIN demo_names sn ON sn.kind = 's' AND sn.i = sb.i"
            f" JOIN demo_names gn ON gn.kind = CASE WHEN {female} THEN 'f' ELSE 'm' END"
            f" AND gn.i = x.ca / 1000000 % CASE WHEN {female} THEN {counts['female']}"
            f" ELSE {counts['male']} END"
            f" JOIN demo_streets st ON st.i = {_caller_street('x.cb', self.nv, self.nl)}"
        )
        email = (
            f"CASE WHEN {_caller_has_email('cd')} THEN slug_g || '.' || slug_s ||"
            f" CASE WHEN {_digits('cd', 100, 100)} < 40 THEN 1 + {_digits('cd', 10_000, 99)}"
            " ELSE '' END || '@' || (SELECT text FROM demo_words WHERE kind = 'dom' AND i ="
            f" {_digits('cd', 1_000_000, counts['dom'])}) ELSE '' END"
        )
        extra = (
            f"CASE WHEN {_digits('cc', 100, 100)} < 10 THEN replace((SELECT text FROM demo_words"
            f" WHERE kind = 'extra' AND i = {_digits('cc', 10_000, 10)} % {counts['extra']}),"
            f" '{{n}}', 1 + {_digits('cc', 100_000, 40)}) ELSE '' END"
        )
        notes = (
            f"CASE WHEN {_digits('cc', 10_000_000, 100)} < 3 THEN (SELECT text FROM demo_words"
            f" WHERE kind = 'cnote' AND i = {_digits('cd', 100_000_000, counts['cnote'])})"
            " ELSE '' END"
        )
        micro = f"(100000 + {_digits('ce', 1_000_000, 1000)} * 900 + cid % 900)"
        return self._with(
            "INSERT INTO callers (id, surname, given_name, email, street_number, street,"
            " address_extra, postcode, city, neighbourhood, notes, contact_preference,"
            " created_at, updated_at, updated_by_id, version)"
            f" SELECT cid, surname, given, {email}, {_caller_number('cb', 'cc')}, street,"
            f" {extra}, '89000', 'Auxerre', nb, {notes}, {_caller_preference('cd', 'ce')},"
            f" {_fmt('created', micro)}, {_fmt('created', micro)}, op, 1 FROM {names}"
        )

    def _talk(self, kc: str) -> str:
        """Seconds between the start of a request call and the request (the caller speaks)."""
        return f"(50 + {_digits(kc, 1, 240)})"

    def insert_callers(self) -> None:
        E, plan = self.E, self.plan
        first_hostess = plan.tables["demo_hostesses"][0][1]
        if E:
            spacing = max(1, min(3571, 10 * 365 * _DAY // E))
            source = (
                f"SELECT n.j + 1 AS cid, {plan.history_start} - ({E} - n.j) * {spacing}"
                f" AS created, {first_hostess} AS op FROM demo_nums n WHERE n.j < {E}"
            )
            self.execute(self._caller_select(source))
            self._tick("callers", E)
        hostesses = plan.counts["hostesses"]
        source = (
            "SELECT c.caller AS cid,"
            f" c.t - CASE WHEN c.call_rid THEN {self._talk(_h('c.k', _S.CALL_C))} ELSE 0 END"
            f" + 20 AS created, ho.op AS op FROM {self._call_layers('? AND ?')} c"
            f" JOIN demo_hostesses ho ON ho.i = {_digits('c.ka', 100_000, hostesses)}"
            " WHERE c.first"
        )
        sql = self._caller_select(source)
        for low, high, calls in self._day_chunks():
            self.execute(sql, (low, high))
            self._tick("callers", calls * self.Cc / max(1, self.T))

    def _national(self, cid: str, pos: str, ce: str) -> str:
        """The national number ("0612345678") of a caller's phone: a bijection of (cid, pos)."""
        key = f"(2 * {cid} + {pos})"
        first_mobile = f"({_digits(ce, 10_000, 100)} < 60)"
        mobile = (
            f"CASE WHEN {key} >= {self.n_landline * 10_000} THEN 1"
            f" WHEN {pos} = 0 THEN {first_mobile} ELSE NOT {first_mobile} END"
        )
        return f"CASE WHEN {mobile} THEN {self._mobile(key)} ELSE {self._landline(key)} END"

    def _mobile(self, key: str) -> str:
        nm = self.n_mobile
        return (
            f"((SELECT p FROM demo_prefixes WHERE kind = 'm' AND i = {key} % {nm}) ||"
            f" substr('000000' || (({key} / {nm} * 7919 + {key} % {nm} * 104729 + 12345)"
            " % 1000000), -6))"
        )

    def _landline(self, key: str) -> str:
        nl = self.n_landline
        return (
            f"((SELECT p FROM demo_prefixes WHERE kind = 'l' AND i = {key} % {nl}) ||"
            f" substr('0000' || (({key} / {nl} * 7919 + {key} % {nl} * 6007 + 1234)"
            " % 10000), -4))"
        )

    def insert_phones(self) -> None:
        hashed = self._layer(
            f"SELECT id AS cid, {_h('id', _S.CALLER_E)} AS ce FROM callers WHERE id BETWEEN ? AND ?"
        )
        count = _caller_phone_count("x.ce")
        phones = self._layer(
            f"SELECT x.cid, n.j AS pos, {count} AS cnt,"
            f" {self._national('x.cid', 'n.j', 'x.ce')} AS nat"
            f" FROM {hashed} x JOIN demo_nums n ON n.j < {count}"
        )
        display = " || ' ' || ".join(f"substr(nat, {i}, 2)" for i in (1, 3, 5, 7, 9))
        sql = self._with(
            "INSERT INTO caller_phones (caller_id, number, display, valid, search_digits, label,"
            " position)"
            f" SELECT cid, '+33' || substr(nat, 2), {display}, 1, nat || ' 33' || substr(nat, 2),"
            " CASE WHEN cnt = 2 THEN CASE WHEN substr(nat, 2, 1) IN ('6', '7') THEN 'portable'"
            f" ELSE 'domicile' END ELSE '' END, pos FROM {phones}"
        )
        for low, high in _ranges(1, self.C, _CHUNK):
            self.execute(sql, (low, high))
            self._tick("phones", high - low + 1)
        self.execute("CREATE INDEX demo_phones_by_caller ON caller_phones (caller_id, position)")

    def insert_calls(self) -> None:
        hostesses = self.plan.counts["hostesses"]
        roll = _digits("ka", 1, 100)
        outcome = (
            f"CASE WHEN rid > 0 THEN 'request_created' WHEN {roll} < 55 THEN 'information'"
            f" WHEN {roll} < 80 THEN 'transferred' WHEN first THEN 'information'"
            f" WHEN {roll} < 90 THEN 'wrong_number' ELSE 'hung_up' END"
        )
        start = f"t - CASE WHEN rid > 0 THEN {self._talk('kc')} ELSE 0 END"
        stop = (
            f"min({self.plan.now}, t + CASE WHEN rid > 0 THEN 10 + {_digits('kc', 1000, 50)}"
            f" WHEN {roll} < 55 OR first THEN 60 + {_digits('kc', 100_000, 240)}"
            f" WHEN {roll} < 80 THEN 30 + {_digits('kc', 100_000, 90)}"
            f" WHEN {roll} < 90 THEN 10 + {_digits('kc', 100_000, 30)}"
            f" ELSE 3 + {_digits('kc', 100_000, 22)} END)"
        )
        unknown = self._mobile(f"(2 * {self.C} + 2 + k)")
        phone = (
            f"CASE WHEN caller > 0 THEN coalesce(CASE WHEN {_digits('kd', 1, 10)} < 3 THEN"
            " (SELECT number FROM caller_phones WHERE caller_id = caller AND position = 1) END,"
            " (SELECT number FROM caller_phones WHERE caller_id = caller AND position = 0))"
            f" WHEN rid > 0 OR {_digits('kd', 10, 10)} < 3 THEN ''"
            f" ELSE '+33' || substr({unknown}, 2) END"
        )
        micro = f"(100000 + {_digits('kd', 100, 900_000)})"
        calls = self._layer(
            f"SELECT c.k, c.t, c.call_rid AS rid, c.first, c.caller, c.ka,"
            f" {_h('c.k', _S.CALL_C)} AS kc, {_h('c.k', _S.CALL_D)} AS kd, ho.op, ho.console"
            f" FROM {self._call_layers('? AND ?')} c"
            f" JOIN demo_hostesses ho ON ho.i = {_digits('c.ka', 100_000, hostesses)}"
        )
        sql = self._with(
            "INSERT INTO calls (id, started_at, ended_at, operator_id, console, phone, caller_id,"
            " request_id, outcome)"
            f" SELECT k + 1, {_fmt(f'({start})', micro)}, {_fmt(stop, micro)}, op, console,"
            f" {phone}, NULLIF(caller, 0), NULLIF(rid, 0), {outcome} FROM {calls}"
        )
        for low, high, calls_count in self._day_chunks():
            self.execute(sql, (low, high))
            self._tick("calls", calls_count)
        self.execute("DROP INDEX demo_phones_by_caller")
