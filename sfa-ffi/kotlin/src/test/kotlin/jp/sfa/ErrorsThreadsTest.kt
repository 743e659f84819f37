package jp.sfa

import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import kotlin.test.Test
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertTrue

/** Every error variant carries what a caller acts on; objects work from several threads. */
class ErrorsThreadsTest {
    @Test
    fun everyErrorVariantCarriesWhatACallerActsOn() {
        val o = Office()
        val invalid = assertFailsWith<SfaException.Validation> { o.hanako.addCompany(CompanyInput(name = " ")) }
        assertEquals("name", invalid.field)
        assertEquals("company", invalid.entity)
        assertTrue(invalid.message!!.contains("name"))
        assertEquals("required", invalid.errors.single().code)
        assertEquals(null, invalid.line)
        // Every refused field, each with a code a Japanese UI translates and its limit.
        val several = assertFailsWith<SfaException.Validation> {
            o.hanako.addPerson(PersonInput(companyId = o.company.id, name = "山".repeat(1000), email = "メールではない"))
        }
        assertEquals(listOf("name" to "too_long", "email" to "invalid_email"), several.errors.map { it.field to it.code })
        assertTrue(several.errors.first().limit!! > 0L)
        assertEquals(null, several.errors.last().limit)
        val missing = assertFailsWith<SfaException.NotFound> { o.hanako.getCompany("0190a4b2-0000-7000-8000-000000000000") }
        assertEquals("company", missing.entity)
        val badId = assertFailsWith<SfaException.Validation> { o.hanako.getCompany("not-an-id") }
        assertEquals("company_id", badId.field)
        val badNested = assertFailsWith<SfaException.Validation> { o.hanako.addPerson(PersonInput(companyId = "x", name = "山田")) }
        assertEquals("company_id", badNested.field)
        val c = o.hanako.addCompany(CompanyInput(name = "株式会社衝突"))
        o.hanako.updateCompany(c.id, c.version, CompanyInput(name = "株式会社衝突2"))
        val conflict = assertFailsWith<SfaException.Conflict> { o.hanako.updateCompany(c.id, c.version, CompanyInput(name = "古い")) }
        assertEquals(1L, conflict.expected)
        assertEquals(2L, conflict.actual)
        assertFailsWith<SfaException.PermissionDenied> {
            o.hanako.addUser(UserInput(name = "x", email = "x@example.jp", role = Role.MEMBER))
        }
        val stage = o.manager.addStage(StageInput(name = "提案"))
        o.hanako.addDeal(DealInput(companyId = o.company.id, name = "x", stageId = stage.id))
        assertFailsWith<SfaException.InUse> { o.manager.deleteMaster(MasterId.Stage(stage.id)) }
        val notADatabase = kotlin.io.path.createTempFile("notes", ".txt").toFile()
        notADatabase.writeText("これはデータベースではありません。".repeat(100))
        assertFailsWith<SfaException.Storage> { Sfa.open(notADatabase.path) }
        assertEquals("これはデータベースではありません。".repeat(100), notADatabase.readText())
        val limit = assertFailsWith<SfaException.Validation> { o.hanako.search(SearchRequest(text = "x", scope = SearchScope.ALL, limit = 0)) }
        assertEquals("limit", limit.field)
        // No customer data in messages: the refused value is never echoed.
        val phone = assertFailsWith<SfaException.Validation> { o.hanako.addCompany(CompanyInput(name = "株式会社電話", phone = "03-ABCD-秘密")) }
        assertTrue(!phone.message!!.contains("秘密"))
    }

    @Test
    fun valuesOutOfRangeAreRefusedAtTheBoundary() {
        val o = Office()
        val far = assertFailsWith<SfaException.Validation> {
            o.hanako.addDeal(DealInput(companyId = o.company.id, name = "遠い", expectedCloseOn = java.time.LocalDate.of(30000, 1, 1)))
        }
        assertEquals("date", far.field)
        val early = assertFailsWith<SfaException.Validation> {
            o.hanako.addTask(TaskInput(title = "昔", dueDate = java.time.LocalDate.of(1800, 1, 1)))
        }
        assertEquals("date", early.field)
        val precise = assertFailsWith<SfaException.Validation> {
            o.hanako.addDeal(DealInput(companyId = o.company.id, name = "細かい", amount = java.math.BigDecimal("1.00000000000000000000000000000001")))
        }
        assertEquals("decimal", precise.field)
        val deep = assertFailsWith<SfaException.Validation> {
            o.hanako.search(SearchRequest(text = "山田", scope = SearchScope.ALL, limit = 10, offset = -1))
        }
        assertEquals("offset", deep.field)
        // Counts and limits are signed (Int / Long): a negative one names its field.
        val negative = assertFailsWith<SfaException.Validation> { o.hanako.listCompanies(PageRequest(limit = -5)) }
        assertEquals("limit", negative.field)
        val pull = assertFailsWith<SfaException.Validation> { o.db.syncPullRequest(-1) }
        assertEquals("negative", pull.errors.single().code)
        assertFailsWith<SfaException.Conflict> { o.hanako.updateCompany(o.company.id, Long.MAX_VALUE, CompanyInput(name = "改名")) }
    }

    @Test
    fun aPanicInsideAWriteIsAnErrorAndTheLibraryKeepsWorking() {
        val o = Office()
        faultPanicInNextWrite() // test-only hook (feature fault-injection)
        val person = PersonInput(companyId = o.company.id, name = "消える 人")
        assertFailsWith<InternalException> { o.hanako.addPerson(person) }
        // Nothing was half-written, and the same objects keep working.
        assertEquals(listOf("高橋 一郎"), o.hanako.companyPersons(o.company.id, firstPage()).items.map { it.name })
        assertEquals("消える 人", o.hanako.addPerson(person).name)
        assertEquals("営業 花子", o.hanako.me().name)
    }

    @Test
    fun callsFromSeveralThreadsAtOnce() {
        val o = Office()
        o.hanako.addCompanies((0 until 40).map { CompanyInput(name = "株式会社テスト$it", nameReading = "テスト") })
        val pool = Executors.newFixedThreadPool(4)
        val results = (0 until 40).map { i ->
            pool.submit<Int> {
                if (i % 4 == 0) o.hanako.addCompany(CompanyInput(name = "並行$i"))
                if (i % 4 == 1) o.jiro.addTask(TaskInput(title = "並行タスク$i"))
                o.hanako.search(SearchRequest(text = "テスト", scope = SearchScope.COMPANIES, limit = 100)).size
            }
        }.map { it.get(60, TimeUnit.SECONDS) }
        pool.shutdown()
        assertTrue(results.all { it == 40 })
        assertEquals(51, o.hanako.listCompanies(PageRequest(limit = 1000)).items.size)
    }
}
