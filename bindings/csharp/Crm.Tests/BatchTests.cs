namespace Crm.Tests;

public class BatchTests
{
    private static IEnumerable<IReadOnlyDictionary<string, object?>> Rows(int count, int badRow = -1) =>
        Enumerable.Range(0, count).Select(i => (IReadOnlyDictionary<string, object?>)TestWorkspace.Row(
            ("name", $"Customer {i}"),
            ("external_id", $"EXT-{i}"),
            ("plan", i == badRow ? "gold" : "premium"),
            ("contract_value", i * 1.25m),
            ("score", (long)i)));

    [Fact]
    public void InsertManyOfAThousandRowsReturnsAThousandIds()
    {
        using var db = TestWorkspace.Open();
        IReadOnlyList<long> ids = db.InsertMany(Rows(1000), actor: "import");
        Assert.Equal(1000, ids.Count);
        Assert.Equal(1000, ids.Distinct().Count());
        Assert.DoesNotContain(0L, ids);
        Assert.Equal(1000, db.CountCustomers());
        Customer c = db.GetCustomer(ids[999]);
        Assert.Equal("Customer 999", c.GetString("name"));
        Assert.Equal(1248.75m, c.GetDecimal("contract_value"));
    }

    [Fact]
    public void ABatchWithOneBadRowStoresNothingAndReportsThatRow()
    {
        using var db = TestWorkspace.Open();
        var e = Assert.Throws<BatchException>(() => db.InsertMany(Rows(50, badRow: 37)));
        Assert.Equal(StatusCode.Validation, e.Code);
        Assert.IsType<ValidationException>(e.InnerException);
        Assert.Equal(50, e.Rows.Count);
        BatchRowResult bad = Assert.Single(e.RejectedRows);
        Assert.Equal(37, bad.Row);
        Assert.Equal(StatusCode.Validation, bad.Status);
        Assert.Equal("plan", bad.Field);
        Assert.Equal("options", bad.Rule);
        Assert.Contains("row 37", bad.Message);
        Assert.All(e.Rows, r => Assert.Equal(0, r.Id));
        Assert.Equal(0, db.CountCustomers());
    }

    [Fact]
    public void UpsertManyCreatesThenUpdatesByExternalId()
    {
        using var db = TestWorkspace.Open();
        var first = db.UpsertMany(Rows(10));
        Assert.All(first, r => Assert.True(r.Created));
        var second = db.UpsertMany(Rows(12));
        Assert.Equal(first.Select(r => r.Id), second.Take(10).Select(r => r.Id));
        Assert.All(second.Take(10), r => Assert.False(r.Created));
        Assert.All(second.Skip(10), r => Assert.True(r.Created));
        Assert.Equal(12, db.CountCustomers());
    }

    [Fact]
    public void RowsMayNameDifferentFieldsAndCreatedRowsGetDefaultsForTheRest()
    {
        using var db = TestWorkspace.Open();
        IReadOnlyList<long> ids = db.InsertMany([
            TestWorkspace.Row(("name", "A"), ("score", 1L), ("plan", "premium")),
            TestWorkspace.Row(("name", "B"), ("city", "Oslo")),
        ]);
        Customer a = db.GetCustomer(ids[0]), b = db.GetCustomer(ids[1]);
        Assert.False(a.ContainsKey("city"));
        Assert.Equal("Oslo", b.GetString("city"));
        Assert.False(b.ContainsKey("score"));
        Assert.Equal("basic", b.GetString("plan")); // the default, as for a field not given
        Assert.Empty(db.InsertMany([]));
    }

    [Fact]
    public void UpsertManyKeepsWhatARowDoesNotNameAndClearsWhatItSetsToNull()
    {
        using var db = TestWorkspace.Open();
        long acme = db.UpsertMany([TestWorkspace.Row(("external_id", "E1"), ("name", "Acme"),
            ("city", "Oslo"), ("plan", "premium"), ("score", 5L))]).Single().Id;
        long before = db.Follow(0, 10000).Last().Seq;

        // Rows of a file with optional columns: Acme's has no city or plan and
        // an empty score; Beta is new and has no plan.
        var result = db.UpsertMany([
            TestWorkspace.Row(("external_id", "E1"), ("name", "Acme AS"), ("score", null)),
            TestWorkspace.Row(("external_id", "E2"), ("name", "Beta"), ("city", "Bergen")),
        ]);
        Assert.Equal((acme, false), result[0]);
        Customer updated = db.GetCustomer(acme);
        Assert.Equal("Acme AS", updated.GetString("name"));
        Assert.Equal("Oslo", updated.GetString("city"));
        Assert.Equal("premium", updated.GetString("plan"));
        Assert.False(updated.ContainsKey("score"));
        Assert.Equal("basic", db.GetCustomer(result[1].Id).GetString("plan"));

        CrmEvent update = db.Follow(before, 10).First();
        Assert.Equal("crm.record.updated", update.Type);
        Assert.Equal("Acme AS", update.After["name"]);
        Assert.Equal(5L, update.Before["score"]);
        Assert.Null(update.After.GetValueOrDefault("score"));
        foreach (string kept in new[] { "city", "plan" })
        {
            Assert.False(update.Before.ContainsKey(kept), kept);
            Assert.False(update.After.ContainsKey(kept), kept);
        }
        Assert.Single(db.FieldTimeline(acme, "city"));
    }
}
