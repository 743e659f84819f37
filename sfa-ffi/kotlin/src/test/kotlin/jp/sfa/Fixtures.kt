package jp.sfa

import java.math.BigDecimal
import java.time.LocalDate

/** An in-memory office: a manager (admin), two salespeople, a customer and its person. */
class Office {
    val db: Sfa = Sfa.openInMemory()
    val boss: User = db.createFirstAdmin(UserInput(name = "部長 一郎", email = "bucho@example.jp", role = Role.ADMIN))
    val manager: Session = db.session(boss.id)
    val hanako: Session = db.session(manager.addUser(UserInput(name = "営業 花子", email = "hanako@example.jp", role = Role.MEMBER)).id)
    val jiro: Session = db.session(manager.addUser(UserInput(name = "営業 次郎", email = "jiro@example.jp", role = Role.MEMBER)).id)
    val company: Company = hanako.addCompany(CompanyInput(name = "株式会社山田製作所", nameReading = "ヤマダセイサクショ"))
    val person: Person = hanako.addPerson(PersonInput(companyId = company.id, name = "高橋 一郎", email = "ichiro@yamada.example.jp"))
}

/** Master data for deals: two stages, two confidence levels, a campaign, two products. */
class Catalog(office: Office) {
    private val m = office.manager
    val stages = listOf("提案" to 40, "交渉" to 70).map { (n, p) -> m.addStage(StageInput(name = n, defaultPercentage = p)) }
    val levels = listOf("A" to 80, "B" to 50).map { (l, p) -> m.addConfidence(ConfidenceInput(label = l, percentage = p)) }
    val campaign = m.addCampaign(
        CampaignInput(name = "展示会", startsOn = LocalDate.of(2026, 10, 1), endsOn = LocalDate.of(2026, 10, 3), cost = BigDecimal("1000000")),
    )
    val category = m.addProductCategory(ProductCategoryInput(name = "ソフトウェア"))
    val products = listOf(Triple("SV-100", "生産管理", "500000"), Triple("SP-10", "保守", "0.1")).map { (c, n, p) ->
        m.addProduct(ProductInput(categoryId = category.id, code = c, name = n, unitPrice = BigDecimal(p)))
    }
}

/** Records progress calls (from any thread). */
class Recorder : Progress {
    val calls = mutableListOf<Pair<Long, Long>>()
    override fun onProgress(done: Long, total: Long) {
        synchronized(calls) { calls += done to total }
    }
}

fun firstPage(limit: Int = 100) = PageRequest(limit = limit)
