package jp.sfa

import java.math.BigDecimal
import java.time.LocalDate
import kotlin.test.Test
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertTrue

/** Master data, deals with exact BigDecimal money, closing rules, lists, forecasts, CSV. */
class SalesTest {
    @Test
    fun mastersAdminsWriteMembersRead() {
        val o = Office()
        val c = Catalog(o)
        assertEquals(listOf("提案", "交渉"), o.hanako.listStages(false).map { it.name })
        assertEquals(BigDecimal("0.1"), o.hanako.getProduct(c.products[1].id).unitPrice)
        assertEquals(BigDecimal("1000000"), o.hanako.getCampaign(c.campaign.id).cost)
        assertEquals(80, o.hanako.getConfidence(c.levels[0].id).percentage)
        assertEquals("ソフトウェア", o.hanako.getProductCategory(c.category.id).name)
        assertEquals(2, o.hanako.listConfidences(false).size)
        assertEquals(1, o.hanako.listProductCategories(false).size)
        assertEquals(1, o.hanako.listCampaigns(false).size)
        assertEquals(2, o.hanako.listProducts(false).size)
        assertFailsWith<SfaException.PermissionDenied> { o.hanako.addStage(StageInput(name = "勝手")) }
        assertEquals(listOf("交渉", "提案"), o.manager.reorderStages(c.stages.reversed().map { it.id }).map { it.name })
        val stage = o.manager.getStage(c.stages[0].id)
        assertEquals(45, o.manager.updateStage(stage.id, stage.version, StageInput(name = "提案", defaultPercentage = 45)).defaultPercentage)
        o.manager.updateConfidence(c.levels[1].id, c.levels[1].version, ConfidenceInput(label = "B", percentage = 55))
        val campaign = o.manager.updateCampaign(c.campaign.id, c.campaign.version,
            CampaignInput(name = "展示会", startsOn = LocalDate.of(2026, 10, 1), endsOn = LocalDate.of(2026, 10, 4), cost = BigDecimal("1200000.5")))
        assertEquals(BigDecimal("1200000.5"), campaign.cost)
        o.manager.updateProductCategory(c.category.id, c.category.version, ProductCategoryInput(name = "ソフト"))
        val p = c.products[0]
        o.manager.updateProduct(p.id, p.version, ProductInput(categoryId = p.categoryId, code = "SV-100", name = "生産管理", unitPrice = BigDecimal("480000")))
        val bad = assertFailsWith<SfaException.Validation> { o.manager.addConfidence(ConfidenceInput(label = "S", percentage = 101)) }
        assertEquals("percentage", bad.field)
    }

    @Test
    fun dealsWithLinesCloseReopenAndList() {
        val o = Office()
        val c = Catalog(o)
        val deal = o.hanako.addDeal(DealInput(
            companyId = o.company.id, name = "生産管理導入", expectedCloseOn = LocalDate.of(2026, 12, 20),
            confidenceId = c.levels[0].id, campaignId = c.campaign.id,
            lines = listOf(DealLineInput(productId = c.products[0].id, quantity = BigDecimal("1")),
                DealLineInput(productId = c.products[1].id, quantity = BigDecimal("3"))),
        ))
        assertEquals(BigDecimal("500000.3"), deal.amount)
        assertEquals(BigDecimal("0.3"), deal.lines[1].amount)
        assertEquals(deal, o.hanako.getDeal(deal.id))
        assertEquals(listOf(deal.id), o.hanako.openDeals(null, firstPage()).items.map { it.id })
        assertEquals(1, o.manager.openDeals(o.hanako.me().id, firstPage()).items.size)
        assertEquals(1, o.hanako.productDeals(c.products[0].id, firstPage()).items.size)
        assertEquals(1, o.hanako.campaignDeals(c.campaign.id, firstPage()).items.size)
        assertFailsWith<SfaException.PermissionDenied> { o.jiro.winDeal(deal.id, deal.version, null) }
        val noted = o.hanako.updateDeal(deal.id, deal.version, DealInput(companyId = deal.companyId, name = deal.name, notes = "至急",
            lines = deal.lines.map { DealLineInput(productId = it.productId, quantity = it.quantity, unitPrice = it.unitPrice) }))
        val today = LocalDate.now()
        val won = o.hanako.winDeal(deal.id, noted.version, today)
        assertEquals(DealStatus.WON, won.status)
        assertEquals(today, won.closedOn)
        assertTrue(o.hanako.openDeals(null, firstPage()).items.isEmpty())
        val reopened = o.hanako.reopenDeal(deal.id, won.version)
        val lost = o.hanako.loseDeal(deal.id, reopened.version, null, "価格")
        assertEquals("価格", lost.lostReason)
        assertEquals(1, o.hanako.companyDeals(o.company.id, firstPage()).items.size)
        val mismatch = assertFailsWith<SfaException.Validation> {
            o.hanako.addDeal(DealInput(companyId = o.company.id, name = "不一致", amount = BigDecimal("1"),
                lines = listOf(DealLineInput(productId = c.products[1].id, quantity = BigDecimal("3")))))
        }
        assertEquals("amount", mismatch.field)
    }

    @Test
    fun mastersInUseAreRetiredNotDeleted() {
        val o = Office()
        val c = Catalog(o)
        o.hanako.addDeal(DealInput(companyId = o.company.id, name = "x", stageId = c.stages[0].id))
        val stage = MasterId.Stage(c.stages[0].id)
        assertFailsWith<SfaException.InUse> { o.manager.deleteMaster(stage) }
        val retired = o.manager.retireMaster(stage, c.stages[0].version)
        assertTrue(retired is Master.Stage && retired.v1.retired)
        val restored = o.manager.restoreMaster(stage, (retired as Master.Stage).v1.version)
        assertEquals(false, (restored as Master.Stage).v1.retired)
        o.manager.deleteMaster(MasterId.Confidence(c.levels[1].id))
        assertFailsWith<SfaException.NotFound> { o.hanako.getConfidence(c.levels[1].id) }
    }

    @Test
    fun forecastsAreExact() {
        val o = Office()
        val c = Catalog(o)
        val month = LocalDate.of(2027, 1, 15)
        o.hanako.addDeal(DealInput(companyId = o.company.id, name = "端数", amount = BigDecimal("0.1"), expectedCloseOn = month, confidenceId = c.levels[0].id))
        o.jiro.addDeal(DealInput(companyId = o.company.id, name = "大型", amount = BigDecimal("1000000000000.2"), expectedCloseOn = month, stageId = c.stages[0].id))
        val jan = LocalDate.of(2027, 1, 1)
        val total = o.hanako.forecast(ForecastRequest(firstMonth = jan, lastMonth = jan, groupBy = emptyList())).single()
        assertEquals(BigDecimal("1000000000000.3"), total.pipeline)
        assertEquals(BigDecimal("400000000000.16"), total.weighted)
        val byOwner = o.hanako.forecast(ForecastRequest(firstMonth = jan, lastMonth = jan, groupBy = listOf(Dimension.OWNER)))
        assertEquals(setOf(o.hanako.me().id, o.jiro.me().id), byOwner.map { it.owner }.toSet())
        val won = o.hanako.addDeal(DealInput(companyId = o.company.id, name = "受注", campaignId = c.campaign.id,
            lines = listOf(DealLineInput(productId = c.products[0].id, quantity = BigDecimal("2")))))
        val today = LocalDate.now(java.time.ZoneOffset.ofHours(9))
        o.hanako.winDeal(won.id, won.version, today)
        val from = today.withDayOfMonth(1)
        val to = today.plusDays(1)
        assertEquals(BigDecimal("1000000"), o.hanako.productSummary(from, to).single { it.product == c.products[0].id }.won)
        assertEquals(BigDecimal("1000000"), o.hanako.categorySummary(from, to).single().won)
        val roi = o.hanako.campaignRoi(from, to).single()
        assertEquals(BigDecimal("1000000"), roi.won)
        assertEquals(1, o.hanako.campaignRoi(null, null).size)
        assertFailsWith<SfaException.Validation> { o.hanako.campaignRoi(from, null) }
        assertEquals(2, o.hanako.calibration().size)
        val range = o.hanako.forecastRange(RangeRequest(firstMonth = jan, lastMonth = jan, trials = 2000, seed = 7L))
        assertTrue(range.p10 <= range.p50 && range.p50 <= range.p90)
        assertEquals(range, o.hanako.forecastRange(RangeRequest(firstMonth = jan, lastMonth = jan, trials = 2000, seed = 7L)))
    }

    @Test
    fun dealsCsvImportsWholeDealsAndExportsOneRowPerLine() {
        val o = Office()
        Catalog(o)
        val csv = "案件番号,会社名,案件名,受注予定日,確度,状態,完了日,商材コード,数量\n" +
            "D-1,株式会社山田製作所,導入,2027-01-31,A,,,SV-100,2\n" +
            "D-1,,,,,,,SP-10,10\n" +
            "D-2,株式会社山田製作所,受注済,,B,受注,2020-01-10,,\n"
        val refused = assertFailsWith<SfaException.Validation> { o.hanako.importDealsCsv(csv.toByteArray(), ImportOptions(encoding = CsvEncoding.AUTO), null) }
        assertEquals(4L, refused.line)
        assertEquals("before_creation", refused.errors.first().code)
        assertTrue(o.hanako.companyDeals(o.company.id, firstPage()).items.isEmpty())
        val progress = Recorder()
        val report = o.hanako.importDealsCsv(csv.replace("受注済,,B,受注,2020-01-10,,", "受注済,,B,,,,").toByteArray(), ImportOptions(encoding = CsvEncoding.AUTO), progress)
        assertEquals(2L, report.imported)
        assertTrue(progress.calls.isNotEmpty())
        val amounts = o.hanako.companyDeals(o.company.id, firstPage()).items.mapNotNull { it.amount }
        assertEquals(listOf(BigDecimal("1000001")), amounts)
        val out = String(o.hanako.exportDealsCsv(ExportOptions(encoding = CsvEncoding.UTF8)))
        assertTrue(out.contains("SV-100"))
        assertEquals(4, out.count { it == '\n' })
    }
}
