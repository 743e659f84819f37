package jp.sfa

import java.util.concurrent.Executors
import kotlinx.coroutines.asCoroutineDispatcher
import kotlinx.coroutines.async
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import kotlin.test.Test
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertTrue

/** Suspend calls run off the caller's thread; a Flow hears another thread's write. */
class AsyncTest {
    @Test
    fun suspendCallsAnswerAsTheBlockingOnesDoAndRunOffTheCallersThread() = runBlocking {
        val office = Office()
        val hanako = office.hanako.asynchronous()
        val made = hanako.addCompany(CompanyInput(name = "株式会社非同期", nameReading = "ヒドウキ"))
        assertEquals(made, office.hanako.getCompany(made.id), "a suspend write is a normal write")
        assertEquals(made, hanako.getCompany(made.id))
        assertEquals(made, hanako.blocking().getCompany(made.id))

        // A progress callback runs where the call runs: on a thread of the dispatcher
        // (Dispatchers.IO), not the caller's.
        val threads = mutableSetOf<String>()
        val progress = object : Progress {
            override fun onProgress(done: Long, total: Long) {
                synchronized(threads) { threads += Thread.currentThread().name }
            }
        }
        val csv = "会社名,フリガナ\n株式会社一号,イチゴウ\n株式会社二号,ニゴウ\n"
        val report = hanako.importCompaniesCsv(csv.toByteArray(), ImportOptions(encoding = CsvEncoding.AUTO), progress)
        assertEquals(2L, report.imported)
        assertTrue(threads.isNotEmpty(), "progress was reported")
        assertTrue(Thread.currentThread().name !in threads, "ran on $threads")
    }

    @Test
    fun callsRunOnTheDispatcherTheAppGives() = runBlocking {
        val office = Office()
        val pool = Executors.newSingleThreadExecutor { Thread(it, "app-database-thread") }
        try {
            val onPool = office.hanako.asynchronous(pool.asCoroutineDispatcher())
            val ranOn = mutableListOf<String>()
            val progress = object : Progress {
                override fun onProgress(done: Long, total: Long) {
                    synchronized(ranOn) { ranOn += Thread.currentThread().name }
                }
            }
            val csv = "会社名,フリガナ\n株式会社三号,サンゴウ\n"
            onPool.importCompaniesCsv(csv.toByteArray(), ImportOptions(encoding = CsvEncoding.AUTO), progress)
            // (The coroutines debug agent appends " @coroutine#n" to the thread's name.)
            val threads = synchronized(ranOn) { ranOn.toSet() }
            assertTrue(threads.isNotEmpty() && threads.all { it.startsWith("app-database-thread") }, "ran on $threads")
        } finally {
            pool.shutdown()
        }
    }

    @Test
    fun theDatabasesLongCallsSuspendToo() = runBlocking {
        val office = Office()
        val db = office.db.asynchronous()
        val rebuilt = Recorder()
        assertEquals(2L, db.rebuildSearchIndex(rebuilt), "the company and its person")
        assertEquals(2L to 2L, rebuilt.calls.last())
        assertEquals(0L, db.pendingSearchChanges())
        assertTrue(db.checkStoredRecords().isEmpty())
        assertEquals(0L, db.blocking().pendingSearchChanges())
        val device = Sfa.openInMemory().asynchronous()
        val clientId = device.syncEnable()
        assertEquals(clientId, device.syncStatus().clientId)
        assertEquals(null, device.syncPushRequest(1_000_000L), "nothing waits")
    }

    @Test
    fun aSuspendCallFailsWithTheSameTypedError() = runBlocking {
        val office = Office()
        val hanako = office.hanako.asynchronous()
        val missing = assertFailsWith<SfaException.NotFound> { hanako.getCompany("0190a4b2-0000-7000-8000-000000000000") }
        assertEquals("company", missing.entity)
        val refused = assertFailsWith<SfaException.Validation> { hanako.addCompany(CompanyInput(name = " ")) }
        assertEquals("name", refused.field)
    }

    @Test
    fun aFlowOfChangesHearsAnotherThreadsWrite() = runBlocking {
        val office = Office()
        val heard = async { office.db.changes(listOf("company")).first() }
        // Once the collector has started observing, a write on another thread is heard.
        var made: Company? = null
        withTimeout(10_000) {
            while (!heard.isCompleted) {
                val writer = Thread { made = office.hanako.addCompany(CompanyInput(name = "株式会社流れ")) }
                writer.start()
                writer.join()
                if (!heard.isCompleted) kotlinx.coroutines.delay(300)
            }
        }
        val changes = heard.await()
        assertEquals("company", changes.first().kind)
        assertTrue(changes.all { it.kind == "company" })
    }
}
