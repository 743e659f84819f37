package app

import jp.sfa.CompanyInput
import jp.sfa.PageRequest
import jp.sfa.Role
import jp.sfa.SearchRequest
import jp.sfa.SearchScope
import jp.sfa.Sfa
import jp.sfa.UserInput
import jp.sfa.asynchronous
import kotlinx.coroutines.runBlocking
import kotlin.test.Test
import kotlin.test.assertEquals

/** What an app's first screen does, through the packaged artifact alone. */
class FirstScreenTest {
    @Test
    fun anAppOpensADatabaseWritesSearchesAndPagesThroughTheArtifact() {
        // A folder of its own: the database leaves -wal, -shm and .search files beside it.
        val folder = kotlin.io.path.createTempDirectory("consumer").toFile()
        val db = Sfa.open(folder.resolve("ledger.sqlite").path)
        val admin = db.createFirstAdmin(UserInput(name = "部長 一郎", email = "bucho@example.jp", role = Role.ADMIN))
        val me = db.session(admin.id)
        val added = runBlocking { me.asynchronous().addCompany(CompanyInput(name = "株式会社さくら商事", nameReading = "サクラショウジ")) }
        val hits = me.search(SearchRequest(text = "さくら", scope = SearchScope.COMPANIES, limit = 10))
        assertEquals(listOf(added.name), hits.map { it.displayName })
        val page = me.listCompanies(PageRequest(limit = 50))
        assertEquals(1, page.items.size)
        me.close()
        db.close()
        folder.deleteRecursively()
    }
}
