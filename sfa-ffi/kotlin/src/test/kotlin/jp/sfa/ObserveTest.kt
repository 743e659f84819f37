package jp.sfa

import java.util.concurrent.LinkedBlockingQueue
import java.util.concurrent.TimeUnit
import kotlin.test.Test
import kotlin.test.assertEquals
import kotlin.test.assertNull

/** Observers: a screen hears another thread's write, and nothing once it has stopped. */
class ObserveTest {
    @Test
    fun anObserverHearsAnotherThreadsWriteUntilStopped() {
        val office = Office()
        val heard = LinkedBlockingQueue<RecordKey>()
        val observation = office.db.observe(
            listOf("company"),
            object : ChangeListener {
                override fun onChange(changes: List<RecordKey>) {
                    heard.addAll(changes)
                }
            },
        )
        var made: Company? = null
        val writer = Thread { made = office.hanako.addCompany(CompanyInput(name = "株式会社観測所")) }
        writer.start()
        writer.join()
        val first = heard.poll(5, TimeUnit.SECONDS)
        assertEquals(RecordKey(kind = "company", id = made!!.id.toString()), first)

        observation.stop()
        office.hanako.addCompany(CompanyInput(name = "株式会社閉店後"))
        assertNull(heard.poll(700, TimeUnit.MILLISECONDS))
        observation.close()
    }
}
