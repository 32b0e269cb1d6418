"""Magento's store hierarchy: websites hold store groups, which hold store views.

A fresh install has the admin scope (website 0, group 0, view 0, never listed as a sale channel)
and one of each: website ``base`` "Main Website", group ``main_website_store`` "Main Website
Store", view ``default`` "Default Store View".
"""

from __future__ import annotations

from dataclasses import dataclass, field

from simulators.magento.errors import STORE_NOT_FOUND, bad_request


@dataclass
class Website:
    id: int
    code: str
    name: str
    default_group_id: int


@dataclass
class StoreGroup:
    id: int
    website_id: int
    code: str
    name: str
    root_category_id: int = 2
    default_store_id: int = 0


@dataclass
class Store:
    """A store view (with its website and group, for quick reading)."""

    website_id: int
    website_code: str
    group_id: int
    store_id: int
    store_code: str
    name: str
    is_active: bool = True


@dataclass
class StoreTree:
    """Websites, groups and views of one Magento, with the default set already there."""

    websites: list[Website] = field(default_factory=lambda: [Website(1, "base", "Main Website", 1)])
    groups: list[StoreGroup] = field(
        default_factory=lambda: [StoreGroup(1, 1, "main_website_store", "Main Website Store", 2, 1)]
    )
    views: list[Store] = field(default_factory=lambda: [Store(1, "base", 1, 1, "default", "Default Store View")])

    # -- look-ups ------------------------------------------------------------------------------------
    def website(self, code: str) -> Website:
        for site in self.websites:
            if site.code == code:
                return site
        raise KeyError(f"no website {code!r}")

    def website_by_id(self, website_id: int) -> Website:
        for site in self.websites:
            if site.id == website_id:
                return site
        raise bad_request(STORE_NOT_FOUND)

    def group_by_id(self, group_id: int) -> StoreGroup:
        for group in self.groups:
            if group.id == group_id:
                return group
        raise bad_request(STORE_NOT_FOUND)

    def view(self, code: str) -> Store:
        for view in self.views:
            if view.store_code == code:
                return view
        raise KeyError(f"no store view {code!r}")

    def view_by_id(self, store_id: int) -> Store:
        """The store view with this ID; Magento's 400 when there is none."""
        for view in self.views:
            if view.store_id == store_id:
                return view
        raise bad_request(STORE_NOT_FOUND)

    def purchase_point(self, store_id: int) -> str:
        """What the order grid's "Purchase Point" column shows: website, group and view names."""
        view = self.view_by_id(store_id)
        group = self.group_by_id(view.group_id)
        return "\n".join([self.website_by_id(view.website_id).name, group.name, view.name])

    # -- set-up --------------------------------------------------------------------------------------
    def add_website(self, code: str, name: str | None = None) -> Website:
        """Add a website with its own root store group (and no view yet)."""
        if any(s.code == code for s in self.websites):
            raise ValueError(f"website {code!r} already exists")
        site = Website(max(s.id for s in self.websites) + 1, code, name or code.replace("_", " ").title(), 0)
        self.websites.append(site)
        group = self.add_group(code, f"{code}_store", f"{site.name} Store")
        site.default_group_id = group.id
        return site

    def add_group(self, website_code: str, code: str, name: str) -> StoreGroup:
        """Add a store group to a website."""
        if any(g.code == code for g in self.groups):
            raise ValueError(f"store group {code!r} already exists")
        site = self.website(website_code)
        group = StoreGroup(max(g.id for g in self.groups) + 1, site.id, code, name)
        self.groups.append(group)
        if not site.default_group_id:
            site.default_group_id = group.id
        return group

    def add_view(
        self, code: str, name: str, website_code: str = "base", group_code: str | None = None, *, active: bool = True
    ) -> Store:
        """Add a store view; a website that does not exist yet is created with its group."""
        if not code or any(v.store_code == code for v in self.views) or code in {"admin", "all"}:
            raise ValueError(f"store view code {code!r} is taken or reserved")
        try:
            site = self.website(website_code)
        except KeyError:
            site = self.add_website(website_code)
        if group_code is None:
            group = self.group_by_id(site.default_group_id)
        else:
            group = next((g for g in self.groups if g.code == group_code and g.website_id == site.id), None)
            if group is None:
                raise ValueError(f"website {website_code!r} has no store group {group_code!r}")
        view = Store(site.id, site.code, group.id, max(v.store_id for v in self.views) + 1, code, name, active)
        self.views.append(view)
        if not group.default_store_id:
            group.default_store_id = view.store_id
        return view
