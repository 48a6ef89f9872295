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
    public void RowsNamingDifferentFieldsAreRefused()
    {
        using var db = TestWorkspace.Open();
        var e = Assert.Throws<ArgumentException>(() => db.InsertMany([
            TestWorkspace.Row(("name", "A"), ("score", 1)),
            TestWorkspace.Row(("name", "B"), ("city", "Oslo")),
        ]));
        Assert.Contains("Row 1", e.Message);
        Assert.Empty(db.InsertMany([]));
        Assert.Equal(0, db.CountCustomers());
    }
}
