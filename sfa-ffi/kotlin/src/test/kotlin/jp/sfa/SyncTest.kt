package jp.sfa

import kotlin.test.Test
import kotlin.test.assertEquals
import kotlin.test.assertNull
import kotlin.test.assertTrue

/**
 * Offline sync through the byte API. An app posts the requests to the team server over
 * its own HTTPS client (see the README); here the server's database is in the same
 * process and the "transport" is a direct call.
 */
class SyncTest {
    @Test
    fun aPhoneCatchesUpWorksOfflineAndItsCallReachesTheServer() {
        val office = Office()
        val me = office.hanako.me().id
        val phone = Sfa.openInMemory()
        phone.syncEnable()

        // Pull until up to date: the office's users and ledger arrive.
        do {
            val request = phone.syncPullRequest(1000)
            val page = phone.syncApplyPullResponse(office.db.syncServerPull(me, request))
        } while (page.remaining > 0L)
        val session = phone.session(me)
        assertEquals(office.company, session.getCompany(office.company.id))

        // Offline: the call is queued.
        val made = session.addCompany(CompanyInput(name = "株式会社コトリン商会"))
        assertEquals(1L, phone.syncStatus().pending)

        // One round trip pushes it; the server replayed it as the same record.
        val push = phone.syncPushRequest(1_000_000L)!!
        val report = phone.syncApplyPushResponse(office.db.syncServerPush(me, push))
        assertEquals(1L, report.applied)
        assertNull(phone.syncPushRequest(1_000_000L))
        assertEquals(made, office.hanako.getCompany(made.id))
        assertEquals("[]", phone.syncRejectionsJson())
        assertTrue(phone.syncStatus().lastPushAt != null)
    }
}
