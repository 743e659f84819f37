package jp.sfa

import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.channels.awaitClose
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.buffer
import kotlinx.coroutines.flow.callbackFlow

/**
 * The records of [kinds] (`company`, `person`, `deal`, ...) changed by each later commit,
 * through this handle, another handle or process, or a sync, as a cold [Flow] over
 * [Sfa.observe]: observing starts when the flow is collected and stops when its collector
 * is cancelled. One element per commit, in commit order; none is dropped for a slow
 * collector. An unknown kind fails the flow with the validation error `observe` raises.
 */
fun Sfa.changes(kinds: List<String>): Flow<List<RecordKey>> = callbackFlow {
    val observation = observe(
        kinds,
        object : ChangeListener {
            override fun onChange(changes: List<RecordKey>) {
                trySend(changes)
            }
        },
    )
    awaitClose { observation.close() }
}.buffer(Channel.UNLIMITED)
