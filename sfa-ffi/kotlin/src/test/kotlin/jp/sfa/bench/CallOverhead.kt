package jp.sfa.bench

import jp.sfa.CompanyInput
import jp.sfa.Sfa
import jp.sfa.SearchRequest
import jp.sfa.SearchScope
import jp.sfa.UserInput
import jp.sfa.Role
import jp.sfa.asynchronous
import jp.sfa.companyLinks
import java.nio.file.Files
import kotlinx.coroutines.runBlocking

/**
 * The cost of a small call from Kotlin: the same operations as `benches/ffi_call.rs`
 * measures in Rust, on the same data, so the difference is the boundary (JNA, uniffi's
 * lowering and lifting, the Kotlin records). Not a test: run by `scripts/bench-ffi.sh`.
 */
fun main() {
    val dir = Files.createTempDirectory("sfa-bench-ffi")
    val db = Sfa.open(dir.resolve("bench.sqlite").toString())
    val admin = db.createFirstAdmin(UserInput(name = "管理 太郎", email = "admin@example.jp", role = Role.ADMIN))
    val me = db.session(admin.id)
    val companies = me.addCompanies((0 until COMPANIES).map {
        CompanyInput(name = "株式会社テスト%04d".format(it), nameReading = "テスト", phone = "03-1234-%04d".format(it),
            website = "https://test$it.example.jp", address = "東京都千代田区丸の内1-1-$it")
    })
    val ids = companies.map { it.id }
    val sample = companies[COMPANIES / 2]
    println("ffi_call (Kotlin via JNA): $COMPANIES companies, $CALLS calls per operation, after $WARMUP warm-up calls")
    report("company_links (no database)") { i -> companyLinks(companies[i % COMPANIES]) }
    report("get_company (one row)") { i -> me.getCompany(ids[(i * 7919) % COMPANIES]) }
    report("me (one row, no arguments)") { _ -> me.me() }
    report("search, 10 hits") { _ -> me.search(SearchRequest(text = "テスト", scope = SearchScope.COMPANIES, limit = 10)) }
    // The same calls as suspend functions, awaited one after another in one coroutine:
    // the call runs on Dispatchers.IO and resumes the coroutine when done.
    val later = me.asynchronous()
    runBlocking {
        report("get_company, suspend") { i -> later.getCompany(ids[(i * 7919) % COMPANIES]) }
        report("me, suspend") { _ -> later.me() }
        report("search, 10 hits, suspend") { _ -> later.search(SearchRequest(text = "テスト", scope = SearchScope.COMPANIES, limit = 10)) }
    }
    check(companyLinks(sample).tel == "tel:" + sample.phone)
    dir.toFile().deleteRecursively()
}

private const val COMPANIES = 1000
private const val CALLS = 50_000
private const val WARMUP = 20_000

private inline fun report(name: String, call: (Int) -> Any) {
    for (i in 0 until WARMUP) call(i)
    val times = LongArray(CALLS)
    for (i in 0 until CALLS) {
        val start = System.nanoTime()
        call(i)
        times[i] = System.nanoTime() - start
    }
    times.sort()
    println("  %-30s p50 %8.2f µs   p90 %8.2f µs".format(name, times[CALLS / 2] / 1000.0, times[CALLS * 9 / 10] / 1000.0))
}
