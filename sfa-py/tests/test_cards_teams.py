"""Business cards, card text parsing, teams and the team board from Python."""

from __future__ import annotations

import pytest

import sfa

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 200


def test_cards_from_upload_to_transcription(office):
    card = office.hanako.upload_card(JPEG, "image/jpeg", transcriber=office.jiro.user_id)
    assert card.media_type == "image/jpeg" and card.status == "pending"
    assert office.jiro.card_image(card.id) == JPEG
    assert [c.id for c in office.jiro.card_queue().items] == [card.id]
    with pytest.raises(sfa.ValidationError) as e:
        office.hanako.upload_card(b"GIF89a....", "image/gif")
    assert e.value.field == "image"
    card = office.hanako.delegate_card(card.id, card.version, office.manager.user_id)
    draft = sfa.parse_card_text("株式会社みなと精密\n課長\n港 健司\nTEL 045-222-1100\nkenji@minato.example.jp")
    assert draft.company == "株式会社みなと精密" and draft.title == "課長"
    assert type(draft) is sfa.CardDraft and [type(p) for p in draft.phones] == [sfa.CardPhone]
    assert draft.phones[0].label is sfa.PhoneLabel.TEL and draft.phones[0].number == "+81452221100"
    hints = office.manager.person_duplicates(sfa.PersonInput(company_id=office.company.id, name="高橋 一郎"))
    assert [h.reasons for h in hints] == [["same_name_at_company"]]
    company = sfa.CompanyInput(name=draft.company or "")
    person = sfa.PersonInput(name=draft.name or "", title=draft.title, email=draft.emails[0])
    done = office.manager.transcribe_card(card.id, card.version, sfa.TranscribeInput(company=company, person=person))
    assert done.card.status == "transcribed" and done.person.company_id == done.company.id
    assert office.hanako.get_card(card.id).person_id == done.person.id
    other = office.hanako.upload_card(JPEG, "image/jpeg")
    linked = office.hanako.transcribe_card(other.id, other.version, sfa.TranscribeInput(company=office.company.id, person=office.person.id))
    assert linked.person.id == office.person.id
    third = office.hanako.upload_card(JPEG, "image/jpeg")
    gone = office.hanako.discard_card(third.id, third.version, "ピンボケ")
    assert gone.status == "discarded"


def test_teams_and_the_board(office):
    team = office.manager.add_team(sfa.TeamInput(name="東日本", member_ids=[office.hanako.user_id, office.jiro.user_id]))
    assert office.hanako.my_teams() == [team]
    assert office.hanako.get_team(team.id) == team
    assert len(office.manager.list_teams()) == 1
    renamed = office.manager.update_team(team.id, team.version, sfa.TeamInput(name="東日本営業", member_ids=team.member_ids))
    board = office.hanako.team_board(sfa.BoardRequest(team_id=team.id))
    assert [m.name for m in board.members] == ["営業 花子", "営業 次郎"]
    assert board.team == renamed
    with pytest.raises(sfa.PermissionDeniedError):
        office.manager.team_board(sfa.BoardRequest(team_id=team.id))
    with pytest.raises(sfa.PermissionDeniedError):
        office.hanako.add_team(sfa.TeamInput(name="x", member_ids=[office.hanako.user_id]))
