"""Every call an analyst can make says what it does: `help(sfa.Session.list_companies)`
and an editor's hover show the method's docstring (the core's own comment for the calls
the core has, written by sfa-py/tools/gen_session.py and gen_docs.py)."""

from __future__ import annotations

import inspect

import sfa


def _public_methods(cls: type) -> list[str]:
    # `dir`, not `vars`: most of Session's calls come from the generated SessionCalls.
    return [n for n in dir(cls) if not n.startswith("_") and callable(getattr(cls, n))]


def test_every_public_method_and_function_has_a_docstring():
    undocumented = []
    for cls in (sfa.Sfa, sfa.Session, sfa.Page):
        for name in _public_methods(cls):
            member = inspect.getattr_static(cls, name)
            function = member.__func__ if isinstance(member, (staticmethod, classmethod)) else member
            if not (function.__doc__ or "").strip():
                undocumented.append(f"{cls.__name__}.{name}")
    for name in sfa.__all__:
        value = getattr(sfa, name)
        if inspect.isfunction(value) and not (value.__doc__ or "").strip():
            undocumented.append(name)
    assert undocumented == []
    assert len(_public_methods(sfa.Session)) > 100


def test_session_docstrings_are_the_cores_in_pythons_names():
    doc = sfa.Session.delete_master.__doc__ or ""
    assert "InUseError" in doc and "Error::" not in doc  # the core's [`Error::InUse`]
    doc = sfa.Session.mark_delivered.__doc__ or ""
    assert "1,000 ids" in doc  # the core's MAX_MARKED_PER_CALL, as its value
    doc = sfa.Session.product_summary.__doc__ or ""
    assert "`first_day` and `last_day`" in doc  # Python's parameter names, not Rust's
    doc = sfa.Session.export_users_csv.__doc__ or ""
    assert "as `bytes`" in doc and "returns how many" not in doc
