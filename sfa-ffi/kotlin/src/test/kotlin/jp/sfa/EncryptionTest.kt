package jp.sfa

import kotlin.test.Test
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertTrue

/** Encryption at rest through the bindings (the test library is built with `encryption`). */
class EncryptionTest {
    @Test
    fun anEncryptedDatabaseOpensOnlyWithItsKeyAndTheKeyCanChange() {
        val dir = kotlin.io.path.createTempDirectory("sfa-enc").toFile()
        val path = dir.resolve("ledger.sqlite").path
        val db = Sfa.openEncrypted(path, "端末の鍵 from the keystore")
        val admin = db.createFirstAdmin(UserInput(name = "管理 太郎", email = "admin@example.jp", role = Role.ADMIN))
        db.session(admin.id).addCompany(CompanyInput(name = "株式会社秘密製作所"))
        assertFailsWith<SfaException.WrongKey> { Sfa.openEncrypted(path, "違う鍵") }
        assertFailsWith<SfaException.Storage> { Sfa.open(path) }
        assertFailsWith<SfaException.Validation> { Sfa.openEncrypted(path, "") }
        db.changeKey("新しい鍵")
        db.destroy()
        assertFailsWith<SfaException.WrongKey> { Sfa.openEncrypted(path, "端末の鍵 from the keystore") }
        val again = Sfa.openEncrypted(path, "新しい鍵")
        val me = again.session(admin.id)
        assertEquals("株式会社秘密製作所", me.search(SearchRequest(text = "秘密", scope = SearchScope.ALL)).single().displayName)
        val bytes = dir.walkTopDown().filter { it.isFile }.map { it.readBytes() }.toList()
        assertTrue(dir.resolve("ledger.sqlite.search").listFiles()!!.isNotEmpty(), "the index is on disk, encrypted")
        val needle = "株式会社秘密製作所".toByteArray()
        assertFalse(bytes.any { b -> (0..b.size - needle.size).any { i -> needle.indices.all { b[i + it] == needle[it] } } })
        again.destroy()
        dir.deleteRecursively()
    }
}
