using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace Crm.Tests;

/// <summary>Duplicates (CrmDatabase.Duplicates: Rules, Settings, MatchKeys, Candidates, Find and
/// Pages) and the duplicate check of writes, batches and imports (WriteOptions.SkipDuplicateCheck,
/// WriteResult.Candidates, ImportOptions.SkipDuplicateCheck), on the backend under test.</summary>
public class DuplicateTests
{
    private const string SamePhone =
        """{"name": "same_phone", "applies_to": "person", "compare": [{"key": "phone"}, {"key": "name", "min_similarity": 0.8}], "action": "warn"}""";

    private const string SamePhoneBlocks = """{"name": "same_phone", "compare": [{"key": "phone"}], "action": "block"}""";

    private static readonly WriteOptions SaveAnyway = new() { SkipDuplicateCheck = true };

    private static (long A1, long A2, long A3, long Lone) Seed(CrmDatabase db)
    {
        db.Duplicates.Rules.Define(SamePhone);
        long a1 = db.CreateCustomer(TestWorkspace.Row(("name", "Jane Doe"), ("phone", "+4790000001")));
        long lone = db.CreateCustomer(TestWorkspace.Row(("name", "Kari Nordmann"), ("phone", "+4790000009")));
        long a2 = db.CreateCustomer(TestWorkspace.Row(("name", "Doe, Jane"), ("phone", "+47 900 00 001")));
        long a3 = db.CreateCustomer(TestWorkspace.Row(("name", "Jnae Doe"), ("phone", "+4790000001")));
        return (a1, a2, a3, lone);
    }

    [Fact]
    public void RulesDefineGetListDrop()
    {
        using var db = TestWorkspace.OpenEmpty();
        Assert.Empty(db.Duplicates.Rules.List());
        db.Duplicates.Rules.Define(SamePhone);
        db.Duplicates.Rules.Define("""{"name": "same_email", "compare": [{"key": "email"}], "action": "block"}""");
        var names = db.Duplicates.Rules.List()
            .Select(json => JsonDocument.Parse(json).RootElement.GetProperty("name").GetString()).ToList();
        Assert.Equal(["same_email", "same_phone"], names);
        using (JsonDocument stored = JsonDocument.Parse(db.Duplicates.Rules.Get("same_email")))
            Assert.Equal("block", stored.RootElement.GetProperty("actions").GetProperty("import").GetString());
        db.Duplicates.Rules.Drop("same_email");
        var missing = Assert.Throws<NotFoundException>(() => db.Duplicates.Rules.Get("same_email"));
        Assert.Equal("duplicate", missing.Rule);
        var bad = Assert.Throws<ValidationException>(() => db.Duplicates.Rules.Define("""{"name": "x", "compare": [{"key": "shoe_size"}]}"""));
        Assert.Equal("duplicate", bad.Rule);
        Assert.Single(db.Duplicates.Rules.List());
    }

    [Fact]
    public void ABlockedCreateThrowsWithItsCandidates()
    {
        using var db = TestWorkspace.OpenEmpty();
        db.Duplicates.Rules.Define(SamePhoneBlocks);
        long jane = db.CreateCustomer(TestWorkspace.Row(("name", "Jane Doe"), ("phone", "+4790000001")));
        var twin = TestWorkspace.Row(("name", "Jnae Doe"), ("phone", "+47 900 00 001"));
        var blocked = Assert.Throws<CrmDuplicateException>(() => db.CreateCustomer(twin));
        Assert.Equal("same_phone", blocked.Field);
        Assert.Equal("duplicate", blocked.Rule);
        Assert.Equal(new[] { jane }, blocked.Candidates.Select(c => c.Id));
        Assert.Equal(1, db.CountCustomers());

        // Save anyway: no rule looks at the write; the match keys are kept current all the same.
        var withOptions = Assert.Throws<CrmDuplicateException>(() => db.CreateCustomer(twin, new WriteOptions()));
        Assert.Equal(new[] { jane }, withOptions.Candidates.Select(c => c.Id));
        WriteResult saved = db.CreateCustomer(twin, SaveAnyway);
        Assert.True(saved.Created);
        Assert.Empty(saved.Candidates);
        Assert.Contains(("phone", "+4790000001"), db.Duplicates.MatchKeys(saved.Id));
    }

    [Fact]
    public void BlockedUpdatesAndUpsertsSaveAnyway()
    {
        using var db = TestWorkspace.OpenEmpty();
        db.Duplicates.Rules.Define(SamePhoneBlocks);
        long jane = db.CreateCustomer(TestWorkspace.Row(("name", "Jane Doe"), ("phone", "+4790000001")));
        long ola = db.CreateCustomer(TestWorkspace.Row(("name", "Ola"), ("phone", "+4791111111")));
        var janesPhone = TestWorkspace.Row(("phone", "+4790000001"));
        var blocked = Assert.Throws<CrmDuplicateException>(() => db.UpdateCustomer(ola, janesPhone, new WriteOptions()));
        Assert.Equal(new[] { jane }, blocked.Candidates.Select(c => c.Id));
        Assert.Throws<CrmDuplicateException>(() => db.UpdateCustomer(ola, janesPhone));
        WriteResult updated = db.UpdateCustomer(ola, janesPhone, SaveAnyway);
        Assert.Equal((ola, 2L), (updated.Id, updated.Version));

        var kari = TestWorkspace.Row(("external_id", "K-1"), ("name", "Kari"), ("phone", "+47 900 00 001"));
        Assert.Throws<CrmDuplicateException>(() => db.UpsertCustomer(kari));
        Assert.True(db.UpsertCustomer(kari, SaveAnyway).Created);
        Assert.Equal(3, db.CountCustomers());
    }

    [Fact]
    public void AWarnRuleReturnsItsCandidates()
    {
        using var db = TestWorkspace.OpenEmpty();
        db.Duplicates.Rules.Define("""{"name": "same_phone", "compare": [{"key": "phone"}], "action": "warn"}""");
        long jane = db.CreateCustomer(TestWorkspace.Row(("name", "Jane Doe"), ("phone", "+4790000001")));
        WriteResult warned = db.CreateCustomer(TestWorkspace.Row(("name", "Jnae Doe"), ("phone", "+47 900 00 001")),
            new WriteOptions());
        Assert.True(warned.Created);
        DuplicateCandidate candidate = Assert.Single(warned.Candidates);
        Assert.Equal((jane, "same_phone", 1.0), (candidate.Id, candidate.Rule, candidate.Score));
        Assert.Equal(new[] { new DuplicateReason("phone", 1.0) }, candidate.Reasons);

        WriteResult upserted = db.UpsertCustomer(
            TestWorkspace.Row(("external_id", "K-1"), ("name", "Kari"), ("phone", "+4790000001")), new WriteOptions());
        Assert.Equal(new[] { jane, warned.Id }, upserted.Candidates.Select(c => c.Id).Order());
        WriteResult skipped = db.CreateCustomer(TestWorkspace.Row(("name", "Per"), ("phone", "+4790000001")), SaveAnyway);
        Assert.Empty(skipped.Candidates);
        WriteResult alone = db.CreateCustomer(TestWorkspace.Row(("name", "Ola"), ("phone", "+4791111111")), new WriteOptions());
        Assert.Empty(alone.Candidates);
    }

    [Fact]
    public void BatchesAndImportsSaveAnyway()
    {
        using var db = TestWorkspace.OpenEmpty();
        db.Duplicates.Rules.Define(SamePhoneBlocks);
        db.CreateCustomer(TestWorkspace.Row(("name", "Jane Doe"), ("phone", "+4790000001")));
        var rows = new[] { TestWorkspace.Row(("name", "Jnae Doe"), ("phone", "+4790000001")), TestWorkspace.Row(("name", "Ola")) };
        var rejected = Assert.Throws<BatchException>(() => db.InsertMany(rows));
        Assert.Equal(new[] { (0, StatusCode.Duplicate) }, rejected.RejectedRows.Select(r => (r.Row, r.Status)));
        Assert.Equal(1, db.CountCustomers());
        Assert.Equal(2, db.InsertMany(rows, SaveAnyway).Count);

        string folder = Directory.CreateTempSubdirectory("crm-cs-duplicates-").FullName;
        try
        {
            string path = Path.Combine(folder, "people.csv");
            File.WriteAllText(path, "external_id,name,phone\nK-1,Kari,+47 900 00 001\nK-2,Per,+4792222222\n");
            ImportReport report = db.ImportFile(path);
            Assert.Equal((1L, 1L), (report.Created, report.Rejected));
            ImportReject reject = Assert.Single(report.Rejects);
            Assert.Equal((1L, "duplicate"), (reject.Row, reject.Rule));
            Assert.Throws<NotFoundException>(() => db.GetCustomerByExternalId("K-1"));
            report = db.ImportFile(path, new ImportOptions { SkipDuplicateCheck = true });
            Assert.Equal((1L, 1L, 0L), (report.Created, report.Unchanged, report.Rejected));
            Assert.Equal("Kari", db.GetCustomerByExternalId("K-1")["name"]);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void AnImportListsWarnedRows()
    {
        using var db = TestWorkspace.OpenEmpty();
        db.Duplicates.Rules.Define(SamePhoneBlocks.Replace("\"block\"", "\"warn\""));
        long jane = db.CreateCustomer(TestWorkspace.Row(("name", "Jane Doe"), ("phone", "+4790000001")));
        string folder = Directory.CreateTempSubdirectory("crm-cs-duplicates-").FullName;
        try
        {
            string path = Path.Combine(folder, "people.csv");
            File.WriteAllText(path, "external_id,name,phone\nK-2,Per,+4792222222\nK-1,Kari,+47 900 00 001\n");
            ImportReport report = db.ImportFile(path);
            Assert.Equal((2L, 0L, 1L), (report.Created, report.Rejected, report.Warned));
            ImportWarning warning = Assert.Single(report.Warnings);
            Assert.Equal((2L, 3L), (warning.Row, warning.Line));
            DuplicateCandidate candidate = Assert.Single(warning.Candidates);
            Assert.Equal((jane, "same_phone"), (candidate.Id, candidate.Rule));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void DefaultRegionRebuildsPhoneKeys()
    {
        using var db = TestWorkspace.OpenEmpty();
        long ada = db.CreateCustomer(TestWorkspace.Row(("name", "Ada"), ("phone", "900 00 000")));
        Assert.Equal("", db.Duplicates.Settings.DefaultRegion);
        Assert.DoesNotContain(("phone", "+4790000000"), db.Duplicates.MatchKeys(ada));
        db.Duplicates.Settings.SetDefaultRegion("NO");
        Assert.Equal("NO", db.Duplicates.Settings.DefaultRegion);
        Assert.Contains(("phone", "+4790000000"), db.Duplicates.MatchKeys(ada));
        var bad = Assert.Throws<ValidationException>(() => db.Duplicates.Settings.SetDefaultRegion("XX"));
        Assert.Equal("duplicate", bad.Rule);
        Assert.Equal("NO", db.Duplicates.Settings.DefaultRegion);
    }

    [Fact]
    public void MatchKeysOfAPerson()
    {
        using var db = TestWorkspace.OpenEmpty();
        long jane = db.CreateCustomer(TestWorkspace.Row(("name", "Doe, Jane"), ("email", "Jane.Doe+news@Gmail.com"),
            ("company", "Acme AS")));
        var keys = db.Duplicates.MatchKeys(jane);
        Assert.Contains(("email", "janedoe@gmail.com"), keys);
        Assert.Contains(("name", "doe jane"), keys);
        Assert.Contains(("company", "acme"), keys);
        Assert.Throws<NotFoundException>(() => db.Duplicates.MatchKeys(jane + 100));
    }

    [Fact]
    public void CandidatesBeforeACreate()
    {
        using var db = TestWorkspace.OpenEmpty();
        var (a1, a2, a3, _) = Seed(db);
        var found = db.Duplicates.Candidates(TestWorkspace.Row(("name", "Jane Doe"), ("phone", "+4790000001")));
        Assert.Equal(new[] { a1, a2, a3 }.OrderBy(id => id), found.Select(c => c.Id).OrderBy(id => id));
        Assert.Equal("same_phone", found[0].Rule);
        Assert.Equal(1.0, found[0].Score, 3);  // an equal name first
        Assert.Contains(found[0].Reasons, r => r.Compare == "phone" && r.Score == 1.0);
        var own = db.Duplicates.Candidates(db.GetCustomer(a1));
        Assert.DoesNotContain(a1, own.Select(c => c.Id));
        Assert.Empty(db.Duplicates.Candidates(TestWorkspace.Row(("name", "Ola"), ("phone", "+4799999999"))));
    }

    [Fact]
    public void FindPairsClustersAndPages()
    {
        using var db = TestWorkspace.OpenEmpty();
        var (a1, a2, a3, lone) = Seed(db);
        DuplicatePage whole = db.Duplicates.Find();
        Assert.True(whole.Done);
        Assert.Equal(4, whole.Customers);
        Assert.Equal([(a1, a2), (a1, a3), (a2, a3)], whole.Pairs.Select(p => (p.A, p.B)).ToList());
        Assert.Equal([a1, a2, a3], Assert.Single(whole.Clusters).Ids);
        Assert.DoesNotContain(whole.Pairs, p => p.A == lone || p.B == lone);

        var pages = db.Duplicates.Pages(new DuplicateFindOptions { PageCustomers = 2 }).ToList();
        Assert.True(pages[^1].Done);
        Assert.Equal(4, pages.Sum(p => p.Customers));
        // Pairs compared by value (a record's Reasons list compares by reference).
        static (long, long, double, string) Key(DuplicatePair p) => (p.A, p.B, p.Score, p.Rule);
        Assert.Equal(whole.Pairs.Select(Key), pages.SelectMany(p => p.Pairs).Select(Key));
        DuplicatePage first = db.Duplicates.Find(new DuplicateFindOptions { PageCustomers = 2 });
        Assert.Equal(lone, first.NextAfterId);
        DuplicatePage rest = db.Duplicates.Find(new DuplicateFindOptions { AfterId = first.NextAfterId });
        Assert.Equal(whole.Pairs.Skip(first.Pairs.Count).Select(Key), rest.Pairs.Select(Key));

        var unknown = Assert.Throws<NotFoundException>(() => db.Duplicates.Find(new DuplicateFindOptions { Rules = ["nope"] }));
        Assert.Equal("duplicate", unknown.Rule);
        Assert.Throws<System.ArgumentOutOfRangeException>(() => db.Duplicates.Find(new DuplicateFindOptions { PageCustomers = -1 }));
    }

    [Fact]
    public void ProgressCanStopTheScan()
    {
        using var db = TestWorkspace.OpenEmpty();
        Seed(db);
        var error = Assert.Throws<CrmCancelledException>(() => db.Duplicates.Find(new DuplicateFindOptions
        {
            Progress = _ => throw new System.InvalidOperationException("stop"),
        }));
        Assert.IsType<System.InvalidOperationException>(error.InnerException);
    }
}
