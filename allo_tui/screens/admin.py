"""F9, administration (admins only): the catalogue, the services, the orientation directory,
the site settings and the audit journal, on five tabs (1–5).

Every change goes through the same store functions as `allo catalogue` and `allo settings`
(checked, then written with its audit row in one transaction, off the event loop); a refusal is
said in one line. Keys act on the tab shown: `a` adds (category, service, directory entry), `p`
edits the highlighted category's procedure, `r` retires or restores the highlighted category or
service, `e` changes the highlighted setting. Text typed by people is shown literally.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, TabbedContent, TabPane
from textual.worker import Worker, get_current_worker

from allo_tui.console import console_of
from allo_tui.domain.errors import AlloError
from allo_tui.literal import literal, printable
from allo_tui.screens.admin_texts import TEXTS
from allo_tui.widgets.binding_commands import BindingCommands
from allo_tui.widgets.key_footer import KeyFooter

TABS = ("categories", "services", "directory", "settings", "audit", "operators", "lists")
AUDIT_ROWS = 300
"""Audit rows shown, newest first."""


class AdminScreen(Screen[None]):
    """F9: the catalogue and the site's settings, for administrators."""

    COMMANDS = Screen.COMMANDS | {BindingCommands}
    DEFAULT_CSS = """
    AdminScreen TabbedContent { height: 1fr; }
    AdminScreen Tab { padding: 0 1 0 0; }  /* the seven tabs fit in 80 columns */
    AdminScreen DataTable { height: 1fr; }
    """
    BINDINGS = [
        Binding("a", "add", "Ajouter", id="admin.add"),
        Binding("p", "procedure", "Procédure", id="admin.procedure"),
        Binding("r", "retire", "Retirer/rétablir", id="admin.retire"),
        Binding("e", "edit", "Modifier", id="admin.edit"),
        Binding("o", "role", "Rôle", id="admin.role"),
        Binding("d", "disable", "Désactiver/réactiver", id="admin.disable"),
        Binding("w", "password", "Mot de passe", id="admin.password"),
        *(
            Binding(str(n), f"tab('{tab}')", TEXTS["tabs"][tab], show=False)
            for n, tab in enumerate(TABS, start=1)
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, list[tuple]] = {tab: [] for tab in TABS}

    def compose(self) -> ComposeResult:
        yield Header()
        with TabbedContent(id="admin-tabs"):
            for tab in TABS:
                with TabPane(TEXTS["tabs"][tab], id=f"tab-{tab}"):
                    yield DataTable(id=f"table-{tab}", cursor_type="row", zebra_stripes=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        for tab in TABS:
            table = self.query_one(f"#table-{tab}", DataTable)
            table.add_columns(*TEXTS["columns"][tab])
        self.query_one("#table-categories", DataTable).focus()
        self.load()

    def on_screen_resume(self) -> None:
        self.load()

    # -- reading ----------------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="admin_load")
    def load(self) -> None:
        """Read every tab off the event loop."""
        from allo_tui.data.store import admin_catalogue, admin_people, site_settings
        from allo_tui.domain.display import format_datetime

        worker = get_current_worker()
        store = console_of(self.app).store
        try:
            rows = {
                "categories": admin_catalogue.all_categories(store),
                "services": admin_people.all_services(store),
                "directory": admin_catalogue.directory_entries(store, only_active=False),
                "settings": site_settings.settings_shown(store),
                "audit": [
                    (format_datetime(at), *rest)
                    for at, *rest in admin_people.audit_rows(store, AUDIT_ROWS)
                ],
                "operators": admin_people.all_operators(store),
                "lists": admin_people.all_coded_items(store),
            }
        except Exception as error:  # noqa: BLE001 - shown to the user
            self.app.call_from_thread(self._say, TEXTS["loading_failed"], error)
            return
        self.app.call_from_thread(self._show, rows, worker)

    def _show(self, rows: dict[str, list[tuple]], worker: Worker | None = None) -> None:
        if worker is not None and worker.is_cancelled:
            return  # a newer load (after a change, a resume) shows its own, newer rows
        self.rows = rows
        for tab in TABS:
            table = self.query_one(f"#table-{tab}", DataTable)
            cursor = table.cursor_row
            table.clear()
            for row in rows[tab]:
                table.add_row(*_cells(tab, row))
            if rows[tab]:
                table.move_cursor(row=min(max(cursor, 0), len(rows[tab]) - 1))
        self.refresh_bindings()

    # -- keys -------------------------------------------------------------------------------

    @property
    def tab(self) -> str:
        active = self.query_one("#admin-tabs", TabbedContent).active or "tab-categories"
        return active.removeprefix("tab-")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        allowed = {
            "add": ("categories", "services", "directory", "operators", "lists"),
            "procedure": ("categories",),
            "retire": ("categories", "services", "lists"),
            "edit": ("settings",),
            "role": ("operators",),
            "disable": ("operators",),
            "password": ("operators",),
        }
        if action in allowed:  # the keys of another tab are not shown
            return self.tab in allowed[action]
        return True

    @on(TabbedContent.TabActivated)
    def _tab_changed(self) -> None:
        self.query_one(f"#table-{self.tab}", DataTable).focus()
        self.refresh_bindings()

    def action_tab(self, tab: str) -> None:
        self.query_one("#admin-tabs", TabbedContent).active = f"tab-{tab}"

    def _highlighted(self) -> tuple | None:
        table = self.query_one(f"#table-{self.tab}", DataTable)
        rows = self.rows.get(self.tab, [])
        if rows and 0 <= table.cursor_row < len(rows):
            return rows[table.cursor_row]
        self.notify(TEXTS["nothing"], severity="warning", markup=False)
        return None

    def action_add(self) -> None:
        {
            "categories": self._add_category,
            "services": self._add_service,
            "operators": self._add_operator,
            "lists": self._add_coded_item,
        }.get(self.tab, self._add_directory_entry)()

    def action_procedure(self) -> None:
        from allo_tui.data.store.admin_catalogue import set_procedure

        row = self._highlighted()
        if row is None:
            return
        code, label, *_rest, procedure = row
        self._ask(
            TEXTS["procedure"].format(label=label),
            TEXTS["procedure_label"],
            lambda text: self._change(set_procedure, code, text.strip()),
            initial=procedure or "",
            multiline=True,
            required=False,
        )

    def action_retire(self) -> None:
        from allo_tui.data.store.admin_catalogue import set_category_active, set_service_active
        from allo_tui.data.store.admin_people import set_coded_item_active

        row = self._highlighted()
        if row is None:
            return
        if self.tab == "lists":
            table, code, _label, active = row
            self._change(set_coded_item_active, table, code, not active)
            return
        change = set_category_active if self.tab == "categories" else set_service_active
        active = row[4] if self.tab == "categories" else row[3]
        self._change(change, row[0], not active)

    def action_edit(self) -> None:
        from allo_tui.data.store.site_settings import set_setting

        row = self._highlighted()
        if row is None:
            return
        key, label, shown = row
        from allo_tui.domain.site_settings import SETTINGS

        hint = SETTINGS[key].hint if key in SETTINGS else ""
        self._ask(
            TEXTS["setting"].format(label=label),
            TEXTS["setting_hint" if hint else "setting_value"].format(key=key, hint=hint),
            lambda text: self._change(set_setting, key, text),
            initial=shown,
            multiline=False,
        )

    def action_role(self) -> None:
        from allo_tui.data.store.admin_people import save_operator
        from allo_tui.screens.action_dialogs import ChoiceDialog

        row = self._highlighted()
        if row is None:
            return
        login, name, _role, services, _active = row

        def chosen(role: str | None) -> None:
            if role == "service":
                self._ask(
                    TEXTS["operator_services"].format(login=login),
                    TEXTS["value"],
                    lambda codes: self._change(save_operator, login, role, name, codes.split()),
                    initial=" ".join(services),
                )
            elif role:
                self._change(save_operator, login, role, name, ())

        dialog = ChoiceDialog(TEXTS["operator_role"].format(login=login), list(_role_choices()))
        self.app.push_screen(dialog, chosen)

    def action_disable(self) -> None:
        from allo_tui.data.store.admin_people import set_active

        row = self._highlighted()
        if row is not None:
            self._change(set_active, row[0], not row[4])

    def action_password(self) -> None:
        from allo_tui.data.store.admin_people import reset_password

        row = self._highlighted()
        if row is None:
            return
        self._ask(
            TEXTS["password"].format(login=row[0]),
            TEXTS["password_label"],
            lambda password: self._change(reset_password, row[0], password),
            password=True,
        )

    # -- the dialogs of additions ----------------------------------------------------------

    def _add_operator(self) -> None:
        from allo_tui.data.store.admin_people import save_operator
        from allo_tui.screens.action_dialogs import ChoiceDialog

        def ask_name(login: str) -> None:
            self._ask(TEXTS["operator_name"], TEXTS["value"], lambda name: ask_role(login, name))

        def ask_role(login: str, name: str) -> None:
            def chosen(role: str | None) -> None:
                if role == "service":
                    self._ask(
                        TEXTS["operator_services"].format(login=login),
                        TEXTS["value"],
                        lambda codes: self._change(save_operator, login, role, name, codes.split()),
                    )
                elif role:
                    self._change(save_operator, login, role, name, ())

            title = TEXTS["operator_role"].format(login=login)
            self.app.push_screen(ChoiceDialog(title, list(_role_choices())), chosen)

        self._ask(TEXTS["operator_login"], TEXTS["value"], ask_name)

    def _add_coded_item(self) -> None:
        from allo_tui.data.store.admin_people import add_coded_item
        from allo_tui.screens.action_dialogs import ChoiceDialog

        def ask_code(table: str | None) -> None:
            if table:
                self._ask(TEXTS["list_code"], TEXTS["value"], lambda code: ask_label(table, code))

        def ask_label(table: str, code: str) -> None:
            self._ask(
                TEXTS["list_label"],
                TEXTS["value"],
                lambda label: self._change(add_coded_item, table, code, label),
            )

        choices = [(label, table) for table, label in TEXTS["list_names"].items()]
        self.app.push_screen(ChoiceDialog(TEXTS["list_which"], choices), ask_code)

    def _add_category(self) -> None:
        from allo_tui.data.store.admin_catalogue import add_category
        from allo_tui.screens.action_dialogs import ChoiceDialog

        services = [
            (f"{name} ({code})", code)
            for code, name, _mobile, active in self.rows["services"]
            if active
        ]

        def ask_code() -> None:
            self._ask(TEXTS["category_code"], TEXTS["value"], ask_label)

        def ask_label(code: str) -> None:
            self._ask(
                TEXTS["category_label"], TEXTS["value"], lambda label: ask_service(code, label)
            )

        def ask_service(code: str, label: str) -> None:
            self.app.push_screen(
                ChoiceDialog(TEXTS["category_service"], services),
                lambda service: service and ask_urgency(code, label, service),
            )

        def ask_urgency(code: str, label: str, service: str) -> None:
            self.app.push_screen(
                ChoiceDialog(TEXTS["category_urgency"], list(_urgency_choices())),
                lambda urgency: urgency and ask_procedure(code, label, service, urgency),
            )

        def ask_procedure(code: str, label: str, service: str, urgency: int) -> None:
            self._ask(
                TEXTS["category_procedure"],
                TEXTS["procedure_label"],
                lambda procedure: self._change(
                    add_category, code, label, service, urgency, procedure.strip()
                ),
                multiline=True,
                required=False,
            )

        ask_code()

    def _add_service(self) -> None:
        from allo_tui.data.store.admin_catalogue import add_service
        from allo_tui.screens.action_dialogs import ChoiceDialog

        def ask_name(code: str) -> None:
            self._ask(TEXTS["service_name"], TEXTS["value"], lambda name: ask_mobile(code, name))

        def ask_mobile(code: str, name: str) -> None:
            self.app.push_screen(
                ChoiceDialog(TEXTS["service_mobile"], [(TEXTS["no"], "no"), (TEXTS["yes"], "yes")]),
                lambda mobile: mobile and self._change(add_service, code, name, mobile == "yes"),
            )

        self._ask(TEXTS["service_code"], TEXTS["value"], ask_name)

    def _add_directory_entry(self) -> None:
        from allo_tui.data.store.admin_catalogue import add_directory_entry

        def ask_phone(name: str) -> None:
            self._ask(
                TEXTS["directory_phone"], TEXTS["value"], lambda phone: ask_hours(name, phone)
            )

        def ask_hours(name: str, phone: str) -> None:
            self._ask(
                TEXTS["directory_hours"],
                TEXTS["value"],
                lambda hours: ask_handles(name, phone, hours),
                required=False,
            )

        def ask_handles(name: str, phone: str, hours: str) -> None:
            self._ask(
                TEXTS["directory_handles"],
                TEXTS["value"],
                lambda handles: self._change(add_directory_entry, name, phone, hours, handles),
                required=False,
            )

        self._ask(TEXTS["directory_name"], TEXTS["value"], ask_phone)

    def _ask(
        self,
        title: str,
        label: str,
        then: Callable[[str], object],
        *,
        initial: str = "",
        multiline: bool = False,
        required: bool = True,
        password: bool = False,
    ) -> None:
        from textual.widgets import Input

        from allo_tui.screens.action_dialogs import TextPromptDialog

        def answered(text: str | None) -> None:
            if text is not None:
                then(text)

        dialog = TextPromptDialog(
            title, label, required=required, multiline=multiline, initial=initial
        )
        self.app.push_screen(dialog, answered)
        if password:  # typed hidden, never shown

            def hide() -> None:
                dialog.query_one("#dialog-text", Input).password = True

            dialog.call_after_refresh(hide)

    # -- writing ----------------------------------------------------------------------------

    def _change(self, function: Callable, *arguments: object) -> None:
        """Run one store change off the event loop as this admin, then read the tabs again."""
        self._run_change(function, arguments)

    @work(thread=True, exit_on_error=False, group="admin_change")
    def _run_change(self, function: Callable, arguments: tuple) -> None:
        console = console_of(self.app)
        try:
            function(console.store, console.operator, *arguments)
        except AlloError as error:
            self.app.call_from_thread(self._say, TEXTS["failed"], error)
        except Exception as error:  # noqa: BLE001 - shown to the user
            self.app.call_from_thread(self._say, TEXTS["failed"], error)
        else:
            self.app.call_from_thread(self.notify, TEXTS["saved"], markup=False)
        self.app.call_from_thread(self.load)  # workers are started from the event loop

    def _say(self, template: str, error: Exception) -> None:
        self.notify(template.format(error=printable(str(error))), severity="error", markup=False)


def _role_choices():
    return ((label, role) for role, label in TEXTS["roles"])


def _urgency_choices():
    return ((label, urgency) for urgency, label in TEXTS["urgencies"])


def _cells(tab: str, row: tuple) -> tuple[Text, ...]:
    """A row's cells, every value shown literally (on one line)."""
    if tab == "categories":
        code, label, service, urgency, active, procedure = row
        values = (code, _short(label, 36), service, str(urgency), _state(active), procedure or "")
    elif tab == "services":
        code, name, mobile, active = row
        values = (code, name, TEXTS["yes"] if mobile else TEXTS["no"], _state(active))
    elif tab == "directory":
        _id, name, phone, hours, handles, active = row
        values = (name if active else f"{name} ({TEXTS['retired']})", phone, hours, handles)
    elif tab == "operators":
        login, name, role, services, active = row
        values = (login, name, role, " ".join(services), TEXTS["enabled" if active else "disabled"])
    elif tab == "lists":
        table, code, label, active = row
        values = (TEXTS["list_names"][table], code, label, _state(active))
    else:
        values = tuple("" if value is None else str(value) for value in row)
    return tuple(literal(str(value)[:80]) for value in values)


def _short(text: str, width: int) -> str:
    """`text` cut to `width` characters, with "…" when cut (a long label leaves room)."""
    return text if len(text) <= width else text[: width - 1] + "…"


def _state(active) -> str:
    return TEXTS["active"] if active else TEXTS["retired"]
