using System.Linq;
using System.Threading;

namespace Crm.Tests;

/// <summary>Merging customers (CrmDatabase.Merge, Unmerge, Merges; Customer.MergedId;
/// CrmMergedException), on the backend under test.</summary>
public class MergeTests
{
    private static readonly DateTimeOffset AdaSeen = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset BobSeen = new(2024, 3, 1, 12, 30, 0, TimeSpan.Zero);

    private static readonly MergeOptions Rules = new()
    {
        Fields = new Dictionary<string, MergeRule>
        {
            ["phone"] = MergeRule.MostRecent,
            ["tags"] = MergeRule.Union,
            ["score"] = MergeRule.Sum,
            ["contract_value"] = MergeRule.Sum,
            ["last_seen"] = MergeRule.MostRecent,
        },
    };

    /// <summary>Ada (the survivor), Bob (written after her: merged into her) and Cy, whose manager is Bob.</summary>
    private static (long Ada, long Bob, long Cy) Seed(CrmDatabase db)
    {
        db.DefineField(new FieldDefinition { Name = "manager", Type = FieldType.Reference });
        long ada = db.CreateCustomer(TestWorkspace.Row(("name", "Ada Lovelace"), ("external_id", "ERP-1"),
            ("phone", "+4790000001"), ("tags", new[] { "vip" }), ("score", 10), ("contract_value", 100.25m),
            ("last_seen", AdaSeen)));
        Thread.Sleep(2);   // distinct updated_at for "most_recent"
        long bob = db.CreateCustomer(TestWorkspace.Row(("name", "A. Lovelace"), ("external_id", "CRM-7"),
            ("phone", "+4790000002"), ("tags", new[] { "north", "vip" }), ("score", 5), ("contract_value", 0.50m),
            ("city", "Oslo"), ("last_seen", BobSeen)));
        long cy = db.CreateCustomer(TestWorkspace.Row(("name", "Cy"), ("manager", bob)));
        return (ada, bob, cy);
    }

    [Fact]
    public void MergeReturnsTheReceiptAndTheSurvivorTakesTheValues()
    {
        using CrmDatabase db = TestWorkspace.Open();
        var (ada, bob, cy) = Seed(db);

        MergeResult result = db.Merge(ada, [bob], Rules, actor: "steward", reason: "same person");

        CrmEvent merged = Assert.Single(db.Timeline(ada), e => e.Type == "crm.record.merged" && e.CustomerId == ada);
        Assert.Equal(merged.Seq, result.MergeId);
        Assert.Equal((ada, 2L, 1L), (result.SurvivorId, result.Version, result.ReferencesMoved));
        Assert.Equal([bob], result.MergedIds);
        Assert.Equal(["city", "contract_value", "last_seen", "phone", "score", "tags"], result.ChangedFields.Order());
        Assert.Equal("steward", merged.Actor);
        Assert.Equal("same person", merged.Properties["reason"]);

        Customer survivor = db.GetCustomer(ada);
        Assert.Equal((ada, 2L, (long?)null), (survivor.Id, survivor.Version, survivor.MergedId));
        Assert.Equal("Ada Lovelace", survivor.GetString("name"));      // first_non_empty: the survivor's
        Assert.Equal("ERP-1", survivor.GetString("external_id"));
        Assert.Equal("+4790000002", survivor.GetString("phone"));      // most_recent: Bob's
        Assert.Equal(["vip", "north"], survivor.GetList("tags"));      // union, the survivor's first
        Assert.Equal(15, survivor.GetInt64("score"));                  // sum
        Assert.Equal(100.75m, survivor.GetDecimal("contract_value"));  // sum, exact
        Assert.Equal("Oslo", survivor.GetString("city"));              // first_non_empty: Bob's
        Assert.Equal(ada, db.GetCustomer(cy).GetInt64("manager"));
        Assert.Equal(2, db.CountCustomers());
    }

    [Fact]
    public void ReadsByAMergedIdOrExternalIdReturnTheSurvivor()
    {
        using CrmDatabase db = TestWorkspace.Open();
        var (ada, bob, _) = Seed(db);
        db.Merge(ada, [bob], Rules);

        Customer byId = db.GetCustomer(bob);
        Assert.Equal((ada, (long?)bob), (byId.Id, byId.MergedId));
        Assert.Equal("Ada Lovelace", byId.GetString("name"));
        Customer byKey = db.GetCustomerByExternalId("CRM-7");
        Assert.Equal((ada, (long?)bob), (byKey.Id, byKey.MergedId));
        Assert.Equal("ERP-1", byKey.GetString("external_id"));          // the survivor's own
        Assert.Null(db.GetCustomerByExternalId("ERP-1").MergedId);
        Assert.Contains($"read by merged id {bob}", byId.ToString());
    }

    [Fact]
    public void WritesNamingAMergedIdThrowWithTheSurvivor()
    {
        using CrmDatabase db = TestWorkspace.Open();
        var (ada, bob, _) = Seed(db);
        db.Merge(ada, [bob], Rules);

        var update = Assert.Throws<CrmMergedException>(() => db.UpdateCustomer(bob, TestWorkspace.Row(("name", "Bob"))));
        Assert.IsAssignableFrom<CrmException>(update);
        Assert.Equal((StatusCode.Merged, "CRM_E_MERGED", "merge", "id"), (update.Code, update.StatusName, update.Rule, update.Field));
        Assert.Equal(ada, update.SurvivorId);
        Assert.Equal(ada, Assert.Throws<CrmMergedException>(() => db.DeleteCustomer(bob)).SurvivorId);
        var appended = Assert.Throws<CrmMergedException>(() => db.AppendEvent(new EventInput { CustomerId = bob, Type = "call" }));
        Assert.Equal(("customer_id", ada), (appended.Field, appended.SurvivorId));
        Assert.Equal(2, db.GetCustomer(ada).Version);                  // nothing written

        // The survivor is where the chain of merges ends now.
        long dan = db.CreateCustomer(TestWorkspace.Row(("name", "Dan")));
        db.Merge(dan, [ada]);
        Assert.Equal(dan, Assert.Throws<CrmMergedException>(() => db.UpdateCustomer(bob, TestWorkspace.Row(("name", "Bob")))).SurvivorId);
        Assert.Equal(dan, db.GetCustomer(bob).Id);

        Assert.IsNotType<CrmMergedException>(Assert.Throws<NotFoundException>(() => db.UpdateCustomer(999, TestWorkspace.Row(("name", "x")))));
    }

    [Fact]
    public void MergesSaysWhatMergesSayOfAnId()
    {
        using CrmDatabase db = TestWorkspace.Open();
        var (ada, bob, _) = Seed(db);
        MergeInfo untouched = db.Merges(ada);
        Assert.Equal((ada, (long?)null, (long?)null, (long?)null, false),
            (untouched.Id, untouched.MergedInto, untouched.SurvivorId, untouched.MergeId, untouched.IsMerged));
        Assert.Empty(untouched.Merged);

        MergeResult result = db.Merge(ada, [bob], Rules);

        MergeInfo merged = db.Merges(bob);
        Assert.Equal((bob, (long?)ada, (long?)ada, (long?)result.MergeId, true),
            (merged.Id, merged.MergedInto, merged.SurvivorId, merged.MergeId, merged.IsMerged));
        Assert.Empty(merged.Merged);
        Assert.Equal([new MergeLink(bob, result.MergeId, ada)], db.Merges(ada).Merged);
        Assert.Equal("id", Assert.Throws<NotFoundException>(() => db.Merges(999)).Field);
    }

    [Fact]
    public void UnmergeRestoresAndReportsConflictsAsTypedValues()
    {
        using CrmDatabase db = TestWorkspace.Open();
        var (ada, bob, cy) = Seed(db);
        MergeResult result = db.Merge(ada, [bob], Rules);
        var seen = new DateTimeOffset(2025, 5, 6, 7, 8, 9, TimeSpan.Zero).AddTicks(1234560);
        db.UpdateCustomer(ada, TestWorkspace.Row(("phone", "+4790000003"), ("contract_value", 1.00m), ("last_seen", seen)));

        UnmergeResult undone = db.Unmerge(result.MergeId, actor: "steward", reason: "two people");

        Assert.Equal((result.MergeId, ada, 4L, 1L), (undone.MergeId, undone.SurvivorId, undone.Version, undone.ReferencesRestored));
        Assert.Equal([bob], undone.RestoredIds);
        Assert.Empty(undone.DroppedFieldIds);
        Assert.Equal(["city", "score", "tags"], undone.RevertedFields.Order());
        var conflicts = undone.Conflicts.OrderBy(c => c.Field, StringComparer.Ordinal).ToList();
        Assert.Equal(
            [
                new MergeConflict("contract_value", 1.00m, 100.75m, 100.25m),
                new MergeConflict("last_seen", seen, BobSeen, AdaSeen),
                new MergeConflict("phone", "+4790000003", "+4790000002", "+4790000001"),
            ],
            conflicts);
        Assert.IsType<decimal>(conflicts[0].Current);
        Assert.IsType<DateTimeOffset>(conflicts[1].Before);

        Customer survivor = db.GetCustomer(ada);
        Assert.Equal("+4790000003", survivor.GetString("phone"));     // a conflict: kept
        Assert.Equal(["vip"], survivor.GetList("tags"));               // reverted
        Assert.Equal(10, survivor.GetInt64("score"));
        Assert.Null(survivor["city"]);
        Customer restored = db.GetCustomer(bob);
        // Its version counts the merge's deletion and the undo's creation.
        Assert.Equal((bob, (long?)null, 3L), (restored.Id, restored.MergedId, restored.Version));
        Assert.Equal(("A. Lovelace", "CRM-7"), (restored.GetString("name"), restored.GetString("external_id")));
        Assert.Equal(bob, db.GetCustomer(cy).GetInt64("manager"));
        db.UpdateCustomer(bob, TestWorkspace.Row(("name", "Bob")));   // a customer again
        Assert.False(db.Merges(bob).IsMerged);
        CrmEvent unmerged = Assert.Single(db.Timeline(bob), e => e.Type == "crm.record.unmerged");
        Assert.Equal(("steward", "two people"), (unmerged.Actor, unmerged.Properties["reason"]));

        Assert.Equal("merge", Assert.Throws<NotFoundException>(() => db.Unmerge(result.MergeId)).Rule);
    }

    [Fact]
    public void AnUnmergeWithoutConflictsReportsNone()
    {
        using CrmDatabase db = TestWorkspace.Open();
        var (ada, bob, _) = Seed(db);
        UnmergeResult undone = db.Unmerge(db.Merge(ada, [bob], Rules).MergeId);
        Assert.Empty(undone.Conflicts);
        Assert.Equal("+4790000001", db.GetCustomer(ada).GetString("phone"));
    }

    [Fact]
    public void ValueRulesTakeDotNetValues()
    {
        using CrmDatabase db = TestWorkspace.Open();
        var (ada, bob, _) = Seed(db);
        var seen = new DateTimeOffset(2024, 6, 1, 8, 0, 0, TimeSpan.FromHours(2)).AddTicks(2500);
        const decimal exact = 1234567890123456.78m;                     // no double holds it
        db.Merge(ada, [bob], new MergeOptions
        {
            Default = MergeRule.Survivor,
            Fields = new Dictionary<string, MergeRule>
            {
                ["score"] = MergeRule.Value(42),
                ["tags"] = MergeRule.Value(new[] { "a", "b" }),
                ["phone"] = MergeRule.Value(null),
                ["last_seen"] = MergeRule.Value(seen),
                ["contract_value"] = MergeRule.Value(exact),
                ["renewal"] = MergeRule.Value(new DateOnly(2025, 2, 28)),
                ["name"] = MergeRule.Value("Ada K. Lovelace"),
                ["active"] = MergeRule.Value(false),
            },
        });
        Customer survivor = db.GetCustomer(ada);
        Assert.Equal(42, survivor.GetInt64("score"));
        Assert.Equal(["a", "b"], survivor.GetList("tags"));
        Assert.Null(survivor["phone"]);
        Assert.Null(survivor["city"]);                                  // the default: the survivor's (none)
        Assert.Equal(seen, survivor.GetDateTimeOffset("last_seen"));
        Assert.Equal(TimeSpan.Zero, survivor.GetDateTimeOffset("last_seen").Offset);
        Assert.Equal(exact, survivor.GetDecimal("contract_value"));
        Assert.Equal(new DateOnly(2025, 2, 28), survivor.GetDateOnly("renewal"));
        Assert.Equal("Ada K. Lovelace", survivor.GetString("name"));
        Assert.False(survivor.GetBoolean("active"));
    }

    [Fact]
    public void EveryNamedRuleIsLibcrms()
    {
        using CrmDatabase db = TestWorkspace.Open();
        MergeRule[] named = [MergeRule.Survivor, MergeRule.FirstNonEmpty, MergeRule.MostRecent,
            MergeRule.Longest, MergeRule.Sum, MergeRule.Union];
        foreach (MergeRule rule in named)
        {
            long survivor = db.CreateCustomer(TestWorkspace.Row(("name", "S")));
            long other = db.CreateCustomer(TestWorkspace.Row(("name", "O")));
            Assert.Equal(survivor, db.Merge(survivor, [other], new MergeOptions { Default = rule }).SurvivorId);
            Assert.Equal(rule.Name, rule.ToString());
        }
        Assert.Null(MergeRule.Value(1).Name);
        Assert.Equal(1, MergeRule.Value(1).GivenValue);
    }

    [Fact]
    public void BadRequestsThrowAndChangeNothing()
    {
        using CrmDatabase db = TestWorkspace.Open();
        var (ada, bob, _) = Seed(db);
        MergeOptions Field(string name, MergeRule rule) => new() { Fields = new Dictionary<string, MergeRule> { [name] = rule } };

        Assert.Equal("merged_ids", Assert.Throws<InvalidArgumentException>(() => db.Merge(ada, [])).Rule);
        Assert.Equal("merged_ids", Assert.Throws<InvalidArgumentException>(() => db.Merge(ada, [ada])).Rule);
        Assert.Equal("merged_ids", Assert.Throws<InvalidArgumentException>(() => db.Merge(ada, [bob, bob])).Rule);
        Assert.Equal("reason", Assert.Throws<InvalidArgumentException>(() => db.Merge(ada, [bob], reason: new string('r', 1001))).Rule);
        Assert.Equal("merge", Assert.Throws<ValidationException>(() => db.Merge(ada, [bob], Field("score", MergeRule.Union))).Rule);
        Assert.Equal("merge", Assert.Throws<ValidationException>(() => db.Merge(ada, [bob], Field("nope", MergeRule.Survivor))).Rule);
        Assert.Equal("merge", Assert.Throws<ValidationException>(() => db.Merge(ada, [bob], Field("score", MergeRule.Value(true)))).Rule);
        Assert.Throws<NotFoundException>(() => db.Merge(ada, [999]));
        Assert.Equal("merge", Assert.Throws<NotFoundException>(() => db.Unmerge(999)).Rule);
        Assert.Throws<ArgumentException>(() => MergeRule.Value(1.5));
        Assert.Throws<ArgumentException>(() => db.Merge(ada, [bob], new MergeOptions { Default = MergeRule.Value(1) }));
        Assert.Throws<ArgumentNullException>(() => db.Merge(ada, null!));

        Assert.Equal(3, db.CountCustomers());
        Assert.Equal(1, db.GetCustomer(ada).Version);
        Assert.False(db.Merges(bob).IsMerged);
    }
}
