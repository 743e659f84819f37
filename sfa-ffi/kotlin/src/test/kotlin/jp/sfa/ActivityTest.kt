package jp.sfa

import java.time.Instant
import java.time.LocalDate
import java.time.ZoneOffset
import kotlin.test.Test
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertTrue

/** Interactions and reports, tasks, the notifications outbox and the agenda. */
class ActivityTest {
    private fun visit(o: Office, start: Instant) = InteractionInput(
        companyId = o.company.id, kind = InteractionKind.VISIT, purpose = "新製品のご紹介",
        startsAt = start, endsAt = start.plusSeconds(3600),
        participantIds = listOf(o.hanako.me().id), personIds = listOf(o.person.id), location = "本社",
    )

    @Test
    fun aReportToTheManagerQueuesATaskAndANotification() {
        val o = Office()
        val now = Instant.now()
        val planned = o.hanako.planInteraction(visit(o, now.minusSeconds(1800)))
        assertEquals(InteractionStatus.PLANNED, planned.status)
        val done = o.hanako.reportInteraction(planned.id, planned.version, ReportInput(outcome = "見積依頼あり", reportTo = o.boss.id))
        assertEquals(InteractionStatus.DONE, done.status)
        val confirm = o.manager.interactionTasks(done.id).single()
        assertEquals(TaskKind.CONFIRMATION, confirm.kind)
        val due = o.manager.dueNotifications(Instant.now())
        assertEquals(listOf(NotificationKind.CONFIRMATION_REQUESTED), due.map { it.kind })
        assertEquals(1L, o.manager.markDelivered(due.map { it.id }))
        assertEquals(0L, o.manager.markDelivered(due.map { it.id }))
        val completed = o.manager.completeTask(confirm.id, confirm.version)
        assertEquals(TaskStatus.COMPLETED, completed.status)
        assertEquals(TaskStatus.OPEN, o.manager.reopenTask(confirm.id, completed.version).status)
        val logged = o.hanako.logInteraction(
            visit(o, now.minusSeconds(7200)).copy(kind = InteractionKind.CALL),
            ReportInput(outcome = "不在"),
        )
        assertEquals(listOf(done.id, logged.id), o.hanako.personInteractions(o.person.id, firstPage()).items.map { it.id })
        assertEquals(2, o.hanako.companyInteractions(o.company.id, firstPage()).items.size)
        assertEquals(logged, o.hanako.getInteraction(logged.id))
    }

    @Test
    fun planRescheduleCancelAndTheAgenda() {
        val o = Office()
        val tomorrow = LocalDate.now(ZoneOffset.ofHours(9)).plusDays(1)
        val start = tomorrow.atTime(10, 0).toInstant(ZoneOffset.ofHours(9))
        val planned = o.hanako.planInteraction(visit(o, start))
        val moved = o.hanako.rescheduleInteraction(planned.id, planned.version, start.plusSeconds(3600), start.plusSeconds(7200))
        assertEquals(start.plusSeconds(3600), moved.startsAt)
        val edited = o.hanako.updateInteraction(moved.id, moved.version, visit(o, moved.startsAt).copy(purpose = "デモ"))
        assertEquals("デモ", edited.purpose)
        val task = o.hanako.addTask(TaskInput(title = "見積書送付", dueDate = tomorrow, companyId = o.company.id))
        val changed = o.hanako.updateTask(task.id, task.version, TaskInput(title = "見積書送付(改)", dueDate = tomorrow))
        assertEquals("見積書送付(改)", o.hanako.getTask(task.id).title)
        val agenda = o.hanako.agenda(AgendaRequest(firstDay = tomorrow, lastDay = tomorrow))
        assertEquals(listOf(edited.id), agenda.interactions.map { it.id })
        assertEquals(listOf(changed.id), agenda.tasks.map { it.task.id })
        assertEquals(540, agenda.utcOffsetMinutes)
        val ical = o.hanako.exportAgendaIcal(AgendaRequest(firstDay = tomorrow, lastDay = tomorrow))
        assertTrue(ical.startsWith("BEGIN:VCALENDAR") && ical.contains("BEGIN:VEVENT") && ical.contains("BEGIN:VTODO"))
        val cancelled = o.hanako.cancelInteraction(edited.id, edited.version, "先方都合")
        assertEquals(InteractionStatus.CANCELLED, cancelled.status)
        assertTrue(o.hanako.exportInteractionsIcal(listOf(cancelled.id)).contains("STATUS:CANCELLED"))
        assertTrue(o.hanako.agenda(AgendaRequest(firstDay = tomorrow, lastDay = tomorrow)).interactions.isEmpty())
    }

    @Test
    fun aRequestNotifiesTheAssigneeAndBadKindsAreRefused() {
        val o = Office()
        val request = o.manager.addTask(TaskInput(title = "資料作成", dueDate = LocalDate.now(), assigneeId = o.hanako.me().id))
        assertEquals(listOf(request.id), o.hanako.dueNotifications(Instant.now()).map { it.taskId })
        val empty = assertFailsWith<SfaException.Validation> {
            o.hanako.planInteraction(visit(o, Instant.now().plusSeconds(3600)).copy(participantIds = emptyList()))
        }
        assertEquals("participant_ids", empty.field)
        val past = assertFailsWith<SfaException.Validation> {
            o.hanako.planInteraction(visit(o, Instant.now().minusSeconds(86400 * 2)))
        }
        assertEquals("interaction", past.entity)
    }
}
