package jp.sfa

import java.time.Instant
import kotlin.test.Test
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertTrue

/** Users, companies, persons, pages, links and CSV, with the core's own records. */
class LedgerTest {
    @Test
    fun companiesAndPersonsRoundTripNormalised() {
        val o = Office()
        assertTrue(o.db.hasUsers())
        val c = o.hanako.addCompany(CompanyInput(name = "株式会社みなと精密", nameReading = "ﾐﾅﾄｾｲﾐﾂ", phone = "045-222-1100", website = "minato.example.jp"))
        assertEquals("ミナトセイミツ", c.nameReading)
        assertEquals("+81452221100", c.phone)
        assertTrue(c.createdAt is Instant)
        assertEquals(o.hanako.me().id, c.createdBy)
        assertEquals(c, o.hanako.getCompany(c.id))
        assertEquals("tel:+81452221100", companyLinks(c).tel)
        val p = o.hanako.addPerson(PersonInput(companyId = c.id, name = "港 健司", mobilePhone = "090-1234-5678", email = "kenji@minato.example.jp"))
        assertEquals("+819012345678", p.mobilePhone)
        assertEquals("mailto:kenji@minato.example.jp", personLinks(p).mailto)
        assertEquals(listOf(p), o.hanako.companyPersons(c.id, firstPage()).items)
        val updated = o.hanako.updateCompany(c.id, c.version, CompanyInput(name = "株式会社ミナト精密"))
        assertEquals(2L, updated.version)
        val archived = o.hanako.archiveCompany(c.id, updated.version)
        assertTrue(archived.archived)
        assertEquals(listOf(o.company.id), o.hanako.listCompanies(firstPage()).items.map { it.id })
        assertEquals(2, o.hanako.listCompanies(PageRequest(includeArchived = true)).items.size)
        assertTrue(!o.hanako.restoreCompany(c.id, archived.version).archived)
        val movedPerson = o.hanako.updatePerson(p.id, p.version, PersonInput(companyId = c.id, name = "港 健司", title = "課長"))
        assertEquals("課長", o.hanako.getPerson(p.id).title)
        val gone = o.hanako.archivePerson(p.id, movedPerson.version)
        assertEquals(false, o.hanako.restorePerson(p.id, gone.version).archived)
        assertEquals(2, o.hanako.listPersons(firstPage()).items.size)
    }

    @Test
    fun listsPaginateWithCursors() {
        val o = Office()
        o.hanako.addCompanies((0 until 7).map { CompanyInput(name = "会社%02d".format(it)) })
        val seen = mutableListOf<String>()
        var cursor: String? = null
        do {
            val page = o.hanako.listCompanies(PageRequest(limit = 3, cursor = cursor))
            seen += page.items.map { it.name }
            cursor = page.nextCursor
        } while (cursor != null)
        assertEquals(8, seen.toSet().size)
    }

    @Test
    fun addCompaniesIsAllOrNothing() {
        val o = Office()
        val bad = assertFailsWith<SfaException.Validation> {
            o.hanako.addCompanies(listOf(CompanyInput(name = "株式会社一"), CompanyInput(name = " ")))
        }
        assertEquals("name", bad.field)
        assertEquals(1, o.hanako.listCompanies(firstPage()).items.size)
    }

    @Test
    fun usersAndRoles() {
        val o = Office()
        assertEquals(listOf("営業 次郎", "営業 花子", "部長 一郎").sorted(), o.manager.listUsers().map { it.name }.sorted())
        val me = o.hanako.me()
        val renamed = o.hanako.updateUser(me.id, me.version, UserInput(name = "営業 花子2", email = me.email, role = Role.MEMBER))
        assertEquals("営業 花子2", o.manager.getUser(me.id).name)
        assertFailsWith<SfaException.PermissionDenied> {
            o.hanako.updateUser(me.id, renamed.version, UserInput(name = renamed.name, email = me.email, role = Role.ADMIN))
        }
        assertEquals(me.id, o.db.sessionByEmail("HANAKO@example.jp").me().id)
    }

    @Test
    fun csvImportReportsProgressAndExportRoundTrips() {
        val o = Office()
        val rows = (1..3000).joinToString("\n") { "株式会社テスト$it,テスト,03-1234-${"%04d".format(it)}" }
        val csv = "会社名,フリガナ,電話番号\n$rows\n"
        val progress = Recorder()
        val report = o.hanako.importCompaniesCsv(csv.toByteArray(), ImportOptions(encoding = CsvEncoding.AUTO), progress)
        assertEquals(3000L, report.imported)
        assertTrue(progress.calls.size >= 2) // 64 KiB chunks of a ~130 KB file
        assertEquals(progress.calls.last().first, progress.calls.last().second)
        assertEquals(csv.toByteArray().size.toLong(), progress.calls.last().second)
        val exported = o.hanako.exportCompaniesCsv(ExportOptions(encoding = CsvEncoding.SHIFT_JIS))
        val fresh = Office()
        val again = fresh.hanako.importCompaniesCsv(exported, ImportOptions(encoding = CsvEncoding.SHIFT_JIS), null)
        assertEquals(3001L, again.imported)
        val persons = o.hanako.exportPersonsCsv(ExportOptions(encoding = CsvEncoding.UTF8))
        assertTrue(String(persons).contains("高橋 一郎"))

        val bad = "会社名,電話番号\n株式会社正常,03-1234-5678\n,03-1234-5678\n"
        val failed = assertFailsWith<SfaException.Validation> {
            o.hanako.importCompaniesCsv(bad.toByteArray(), ImportOptions(encoding = CsvEncoding.AUTO), null)
        }
        assertEquals("name", failed.field)
        assertEquals("required", failed.errors.single().code)
        assertEquals(3L, failed.line, "the refused row's line, as its own field")
        val skipped = o.hanako.importCompaniesCsv(bad.toByteArray(), ImportOptions(encoding = CsvEncoding.AUTO, skipBadRows = true), null)
        assertEquals(1L, skipped.imported)
        assertEquals(listOf(3L), skipped.skipped.map { it.line })
        assertTrue(!skipped.skipped.single().description.contains("03-1234-5678"))
        val person = o.hanako.importPersonsCsv("会社名,氏名\n株式会社山田製作所,山田 花子\n".toByteArray(), ImportOptions(encoding = CsvEncoding.AUTO), null)
        assertEquals(1L, person.imported)
    }

    @Test
    fun searchWithOptionsAndRebuildWithProgress() {
        val o = Office()
        o.hanako.addCompany(CompanyInput(name = "株式会社みなと精密", nameReading = "ミナトセイミツ"))
        assertEquals("株式会社みなと精密", o.hanako.search(SearchRequest(text = "minato", scope = SearchScope.ALL)).first().displayName)
        assertEquals(HitKind.PERSON, o.hanako.search(SearchRequest(text = "高橋", scope = SearchScope.PERSONS)).single().kind)
        assertTrue(o.hanako.search(SearchRequest(text = "高橋", scope = SearchScope.COMPANIES)).isEmpty())
        val progress = Recorder()
        assertEquals(3L, o.db.rebuildSearchIndex(progress))
        assertTrue(progress.calls.isNotEmpty() && progress.calls.last().first == progress.calls.last().second)
        assertEquals(0L, o.db.pendingSearchChanges())
        assertEquals(0L, o.db.catchUpSearchIndex(Recorder()))
    }
}
