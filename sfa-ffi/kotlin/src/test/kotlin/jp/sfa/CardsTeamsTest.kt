package jp.sfa

import kotlin.test.Test
import kotlin.test.assertContentEquals
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertTrue

/** Business cards from upload to transcription, card text parsing, teams and the board. */
class CardsTeamsTest {
    private val jpeg = byteArrayOf(0xFF.toByte(), 0xD8.toByte(), 0xFF.toByte(), 0xE0.toByte()) + ByteArray(200)

    @Test
    fun cardsFromUploadToTranscription() {
        val o = Office()
        var card = o.hanako.uploadCard(jpeg, "image/jpeg", o.jiro.me().id)
        assertEquals(ImageType.JPEG, card.mediaType)
        assertEquals(CardStatus.PENDING, card.status)
        assertContentEquals(jpeg, o.jiro.cardImage(card.id))
        assertEquals(listOf(card.id), o.jiro.cardQueue(firstPage()).items.map { it.id })
        val gif = assertFailsWith<SfaException.Validation> { o.hanako.uploadCard("GIF89a....".toByteArray(), "image/gif", null) }
        assertEquals("image", gif.field)
        card = o.hanako.delegateCard(card.id, card.version, o.boss.id)
        val draft = parseCardText("株式会社みなと精密\n課長\n港 健司\nTEL 045-222-1100\nkenji@minato.example.jp")
        assertEquals("株式会社みなと精密", draft.company)
        assertEquals("課長", draft.title)
        assertEquals(PhoneLabel.TEL, draft.phones.single().label)
        val hints = o.manager.personDuplicates(PersonInput(companyId = o.company.id, name = "高橋 一郎"))
        assertEquals(listOf(listOf(DuplicateReason.SAME_NAME_AT_COMPANY)), hints.map { it.reasons })
        val done = o.manager.transcribeCard(card.id, card.version, TranscribeInput(
            company = CompanyChoice.New(CompanyInput(name = draft.company!!)),
            person = PersonChoice.New(PersonInput(companyId = o.company.id, name = draft.name!!, title = draft.title, email = draft.emails.first())),
        ))
        assertEquals(CardStatus.TRANSCRIBED, done.card.status)
        assertEquals(done.company.id, done.person.companyId)
        assertEquals(done.person.id, o.hanako.getCard(card.id).personId)
        val other = o.hanako.uploadCard(jpeg, "image/jpeg", null)
        val linked = o.hanako.transcribeCard(other.id, other.version,
            TranscribeInput(company = CompanyChoice.Existing(o.company.id), person = PersonChoice.Existing(o.person.id)))
        assertEquals(o.person.id, linked.person.id)
        val third = o.hanako.uploadCard(jpeg, "image/jpeg", null)
        assertEquals(CardStatus.DISCARDED, o.hanako.discardCard(third.id, third.version, "ピンボケ").status)
    }

    @Test
    fun teamsAndTheBoard() {
        val o = Office()
        val team = o.manager.addTeam(TeamInput(name = "東日本", memberIds = listOf(o.hanako.me().id, o.jiro.me().id)))
        assertEquals(listOf(team), o.hanako.myTeams())
        assertEquals(team, o.hanako.getTeam(team.id))
        assertEquals(1, o.manager.listTeams().size)
        val renamed = o.manager.updateTeam(team.id, team.version, TeamInput(name = "東日本営業", memberIds = team.memberIds))
        o.hanako.addDeal(DealInput(companyId = o.company.id, name = "案件", amount = java.math.BigDecimal("1200000")))
        val board = o.hanako.teamBoard(BoardRequest(teamId = team.id))
        assertEquals(renamed, board.team)
        assertEquals(listOf("営業 花子", "営業 次郎"), board.members.map { it.name })
        assertEquals(java.math.BigDecimal("1200000"), board.members.first().pipeline)
        assertFailsWith<SfaException.PermissionDenied> { o.manager.teamBoard(BoardRequest(teamId = team.id)) }
        assertFailsWith<SfaException.PermissionDenied> { o.hanako.addTeam(TeamInput(name = "x", memberIds = listOf(o.hanako.me().id))) }
        assertTrue(board.asOf <= java.time.Instant.now())
    }
}
