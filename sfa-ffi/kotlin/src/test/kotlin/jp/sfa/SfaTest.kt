package jp.sfa

import java.time.Instant
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import kotlin.test.Test
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertTrue

/** The bindings on a real JVM: the ledger, search, errors, progress and threads. */
class SfaTest {
    private fun office(): Pair<Sfa, Session> {
        val sfa = Sfa.openInMemory()
        val admin = sfa.createFirstAdmin(UserInput("管理 太郎", "admin@example.jp", true, true))
        return sfa to sfa.session(admin.id)
    }

    private fun company(name: String, reading: String? = null, phone: String? = null) =
        CompanyInput(name, reading, null, null, phone, null, null, null)

    @Test
    fun companiesAndPersonsRoundTripWithPythonicLessKotlinTypes() {
        val (sfa, me) = office()
        assertTrue(sfa.hasUsers())
        val c = me.addCompany(company("株式会社山田製作所", "ﾔﾏﾀﾞｾｲｻｸｼｮ", "03-1234-5678"))
        assertEquals("ヤマダセイサクショ", c.nameReading)
        assertEquals("+81312345678", c.phone)
        assertTrue(c.createdAt is Instant)
        assertEquals(c, me.getCompany(c.id))
        val p = me.addPerson(PersonInput(c.id, "高橋 一郎", null, "購買部", "部長", "ichiro@example.jp", null, "090-1234-5678", null))
        assertEquals("+819012345678", p.mobilePhone)
        val page = me.companyPersons(c.id, PageRequest(10u, null, false))
        assertEquals(listOf(p), page.items)
        val updated = me.updateCompany(c.id, c.version, company("株式会社ヤマダ"))
        assertEquals(2L, updated.version)
    }

    @Test
    fun listsPaginate() {
        val (_, me) = office()
        for (i in 0 until 7) me.addCompany(company("会社%02d".format(i)))
        val seen = mutableListOf<String>()
        var cursor: String? = null
        do {
            val page = me.listCompanies(PageRequest(3u, cursor, false))
            seen += page.items.map { it.name }
            cursor = page.nextCursor
        } while (cursor != null)
        assertEquals(7, seen.toSet().size)
    }

    @Test
    fun everyErrorVariantCarriesWhatACallerActsOn() {
        val (sfa, me) = office()
        val invalid = assertFailsWith<SfaException.Validation> { me.addCompany(company(" ")) }
        assertEquals("name", invalid.field)
        assertEquals("company", invalid.entity)
        val missing = assertFailsWith<SfaException.NotFound> { me.getCompany("0190a4b2-0000-7000-8000-000000000000") }
        assertEquals("company", missing.entity)
        val badId = assertFailsWith<SfaException.Validation> { me.getCompany("not-an-id") }
        assertEquals("id", badId.field)
        val c = me.addCompany(company("株式会社衝突"))
        me.updateCompany(c.id, c.version, company("株式会社衝突2"))
        val conflict = assertFailsWith<SfaException.Conflict> { me.updateCompany(c.id, c.version, company("古い")) }
        assertEquals(1L, conflict.expected)
        assertEquals(2L, conflict.actual)
        val member = sfa.session(me.addUser(UserInput("営業 花子", "hanako@example.jp", false, true)).id)
        assertFailsWith<SfaException.PermissionDenied> { member.addUser(UserInput("x", "x@example.jp", false, true)) }
        val notADatabase = kotlin.io.path.createTempFile("notes", ".txt").toFile()
        notADatabase.writeText("これはデータベースではありません。".repeat(100))
        assertFailsWith<SfaException.Storage> { Sfa.open(notADatabase.path) }
    }

    @Test
    fun searchAndRebuildWithProgress() {
        val (sfa, me) = office()
        me.addCompany(company("株式会社みなと精密", "ミナトセイミツ", "045-222-1100"))
        assertEquals("株式会社みなと精密", me.search("minato", 5u).first().displayName)
        val calls = mutableListOf<Pair<ULong, ULong>>()
        val queued = sfa.rebuildSearchIndex(object : Progress {
            override fun onProgress(done: ULong, total: ULong) { synchronized(calls) { calls += done to total } }
        })
        assertEquals(1uL, queued)
        assertTrue(calls.isNotEmpty() && calls.last().first == calls.last().second)
    }

    @Test
    fun callsFromSeveralThreadsAtOnce() {
        val (_, me) = office()
        for (i in 0 until 40) me.addCompany(company("株式会社テスト$i", "テスト"))
        val pool = Executors.newFixedThreadPool(4)
        val results = (0 until 40).map { i ->
            pool.submit<Int> {
                if (i % 4 == 0) me.addCompany(company("並行$i"))
                me.search("テスト", 100u).size
            }
        }.map { it.get(60, TimeUnit.SECONDS) }
        pool.shutdown()
        assertTrue(results.all { it == 40 })
        assertEquals(50, me.listCompanies(PageRequest(1000u, null, false)).items.size)
    }
}

/** Deals and the forecast: BigDecimal money and LocalDate dates, exact. */
class DealsTest {
    @Test
    fun moneyStaysExactAcrossTheBoundary() {
        val sfa = Sfa.openInMemory()
        val admin = sfa.createFirstAdmin(UserInput("管理 太郎", "admin@example.jp", true, true))
        val me = sfa.session(admin.id)
        val c = me.addCompany(CompanyInput("株式会社山田製作所", null, null, null, null, null, null, null))
        val month = java.time.LocalDate.of(2027, 1, 15)
        val small = me.addDeal(DealInput(c.id, "端数", java.math.BigDecimal("0.1"), month, null))
        val big = me.addDeal(DealInput(c.id, "大型", java.math.BigDecimal("1000000000000.2"), month, null))
        assertEquals(java.math.BigDecimal("0.1"), small.amount)
        assertEquals(month, big.expectedCloseOn)
        assertEquals(listOf(small.id, big.id).toSet(), me.openDeals(10u).map { it.id }.toSet())
        val rows = me.forecast(java.time.LocalDate.of(2027, 1, 1), java.time.LocalDate.of(2027, 1, 1), false)
        assertEquals(java.math.BigDecimal("1000000000000.3"), rows.single().pipeline)
        val won = me.winDeal(small.id, small.version, java.time.LocalDate.now())
        assertEquals("won", won.status)
        val negative = assertFailsWith<SfaException.Validation> {
            me.addDeal(DealInput(c.id, "負", java.math.BigDecimal("-1"), null, null))
        }
        assertEquals("amount", negative.field)
    }
}

/** Interactions, tasks and notifications: a visit reported to a manager. */
class ActivityTest {
    @Test
    fun aReportToTheManagerQueuesATaskAndANotification() {
        val sfa = Sfa.openInMemory()
        val boss = sfa.createFirstAdmin(UserInput("部長", "bucho@example.jp", true, true))
        val manager = sfa.session(boss.id)
        val hanako = sfa.session(manager.addUser(UserInput("営業 花子", "hanako@example.jp", false, true)).id)
        val c = hanako.addCompany(CompanyInput("株式会社山田製作所", null, null, null, null, null, null, null))
        val now = Instant.now()
        val visit = InteractionInput(c.id, "visit", "新製品のご紹介", now.minusSeconds(1800), now.plusSeconds(1800),
            listOf(hanako.me().id), emptyList(), "本社", null)
        val planned = hanako.planInteraction(visit)
        assertEquals("planned", planned.status)
        val done = hanako.reportInteraction(planned.id, planned.version, ReportInput("見積依頼あり", boss.id))
        assertEquals("done", done.status)
        val confirm = manager.interactionTasks(done.id).single()
        assertEquals("confirmation", confirm.kind)
        val due = manager.dueNotifications(Instant.now())
        assertEquals(listOf("confirmation_requested"), due.map { it.kind })
        assertEquals(1uL, manager.markDelivered(due.map { it.id }))
        assertEquals(0uL, manager.markDelivered(due.map { it.id }))
        assertEquals("completed", manager.completeTask(confirm.id, confirm.version).status)
        val request = manager.addTask(TaskInput("資料作成", java.time.LocalDate.now(), null, hanako.me().id))
        assertEquals(listOf(request.id), hanako.dueNotifications(Instant.now()).map { it.taskId })
        val bad = assertFailsWith<SfaException.Validation> {
            hanako.planInteraction(visit.copy(kind = "fax"))
        }
        assertEquals("kind", bad.field)
        val empty = assertFailsWith<SfaException.Validation> {
            hanako.planInteraction(visit.copy(participantIds = emptyList()))
        }
        assertEquals("participant_ids", empty.field)
    }
}
