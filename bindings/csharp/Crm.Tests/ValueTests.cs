namespace Crm.Tests;

public class ValueTests
{
    // 2^53 + 1: a double cannot hold it, so a lossy conversion shows.
    private const long BigInteger = 9_007_199_254_740_993;

    private static readonly DateTimeOffset Instant =
        new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.FromHours(2)).AddTicks(1_234_560); // .123456 s

    private static Dictionary<string, object?> EveryType() => TestWorkspace.Row(
        ("name", "Zoë Ünïcode"),
        ("plan", "premium"),
        ("score", BigInteger),
        ("contract_value", 12500.50m),
        ("active", false),
        ("renewal", new DateOnly(2027, 1, 31)),
        ("last_seen", Instant),
        ("tags", new[] { "vip", "newsletter" }));

    private static void AssertEveryType(Customer c)
    {
        Assert.Equal("Zoë Ünïcode", c.GetString("name"));
        Assert.Equal("premium", c.GetString("plan"));
        Assert.Equal(BigInteger, c.GetInt64("score"));
        decimal money = c.GetDecimal("contract_value");
        Assert.Equal(12500.50m, money);
        Assert.Equal("12500.50", money.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.False(c.GetBoolean("active"));
        Assert.Equal(new DateOnly(2027, 1, 31), c.GetDateOnly("renewal"));
        DateTimeOffset seen = c.GetDateTimeOffset("last_seen");
        Assert.Equal(Instant, seen);
        Assert.Equal(TimeSpan.Zero, seen.Offset);
        Assert.Equal(new DateTime(2024, 5, 6, 5, 8, 9, DateTimeKind.Utc).AddTicks(1_234_560), seen.UtcDateTime);
        Assert.Equal(new[] { "vip", "newsletter" }, c.GetList("tags"));
    }

    [Fact]
    public void EveryValueTypeRoundTripsThroughCreate()
    {
        using var db = TestWorkspace.Open();
        long id = db.CreateCustomer(EveryType(), actor: "tests");
        Customer c = db.GetCustomer(id);
        Assert.Equal(id, c.Id);
        Assert.Equal(1, c.Version);
        AssertEveryType(c);
        Assert.IsType<DateTimeOffset>(c["created_at"]);
    }

    [Fact]
    public void EveryValueTypeRoundTripsThroughABatch()
    {
        using var db = TestWorkspace.Open();
        IReadOnlyList<long> ids = db.InsertMany([EveryType()]);
        AssertEveryType(db.GetCustomer(Assert.Single(ids)));
    }

    [Fact]
    public void NegativeAndBoundaryValuesRoundTripThroughBothPaths()
    {
        using var db = TestWorkspace.Open();
        var before1970 = new DateTimeOffset(1969, 12, 31, 23, 59, 59, TimeSpan.Zero).AddTicks(9_999_990); // .999999
        var row = TestWorkspace.Row(("name", "Neg"), ("score", long.MinValue), ("contract_value", -0.10m),
            ("active", true), ("last_seen", before1970), ("tags", Array.Empty<string>()));
        long single = db.CreateCustomer(row);
        long batched = db.InsertMany([row]).Single();
        foreach (long id in new[] { single, batched })
        {
            Customer c = db.GetCustomer(id);
            Assert.Equal(long.MinValue, c.GetInt64("score"));
            Assert.Equal(-0.10m, c.GetDecimal("contract_value"));
            Assert.True(c.GetBoolean("active"));
            Assert.Equal(before1970, c.GetDateTimeOffset("last_seen"));
        }
    }

    [Fact]
    public void UnsupportedValueTypesThrowArgumentExceptionAndStoreNothing()
    {
        using var db = TestWorkspace.Open();
        var e = Assert.Throws<ArgumentException>(() => db.CreateCustomer(TestWorkspace.Row(("name", "A"), ("contract_value", 1.5))));
        Assert.Contains("contract_value", e.Message);
        Assert.Contains("System.Double", e.Message);
        Assert.Throws<ArgumentException>(() => db.CreateCustomer(TestWorkspace.Row(("name", new object()))));
        Assert.Throws<ArgumentException>(() => db.CreateCustomer(TestWorkspace.Row(("last_seen", new DateTime(2024, 1, 1)))));
        Assert.Throws<ArgumentException>(() => db.CreateCustomer(TestWorkspace.Row(("name", "nul\0byte"))));
        Assert.Throws<ArgumentException>(() => db.InsertMany([TestWorkspace.Row(("score", 2.0f))]));
        Assert.Equal(0, db.CountCustomers());
    }

    [Fact]
    public void IntegersBeyondInt64AreRefusedNeverWrapped()
    {
        using var db = TestWorkspace.Open();
        long customer = db.CreateCustomer(TestWorkspace.Row(("name", "A"), ("score", (ulong)long.MaxValue)));
        Assert.Equal(long.MaxValue, db.GetCustomer(customer).GetInt64("score"));
        foreach (ulong tooBig in new[] { (ulong)long.MaxValue + 1, ulong.MaxValue })
        {
            var row = TestWorkspace.Row(("name", "B"), ("score", tooBig));
            Assert.Contains("score", Assert.Throws<ArgumentOutOfRangeException>(() => db.CreateCustomer(row)).Message);
            Assert.Throws<ArgumentOutOfRangeException>(() => db.InsertMany([row]));
            Assert.Throws<ArgumentOutOfRangeException>(() => db.UpdateCustomer(customer, row));
            Assert.Throws<ArgumentOutOfRangeException>(() => db.Count(new Query("score = ?", tooBig)));
            Assert.Throws<ArgumentOutOfRangeException>(() => db.AppendEvent(new EventInput
            {
                CustomerId = customer, Type = "call", Properties = new Dictionary<string, object?> { ["n"] = tooBig },
            }));
        }
        Assert.Equal(1, db.CountCustomers());
        Assert.Equal(long.MaxValue, db.GetCustomer(customer).GetInt64("score"));
    }

    [Fact]
    public void SizesAndScalesReadBackAreCheckedNotWrapped()
    {
        // A scale that does not fit an int must not come back as scale 2.
        Assert.Throws<OverflowException>(() => FieldJson.ParseField("""{"name": "x", "scale": "4294967298"}"""));
        Assert.Equal(2, FieldJson.ParseField("""{"name": "x", "scale": 2}""").Scale);
    }

    [Fact]
    public void LoneSurrogatesAreRefusedNotReplaced()
    {
        using var db = TestWorkspace.Open();
        // UTF-8 has no form for an unpaired surrogate: the marshaller would store U+FFFD.
        var e = Assert.Throws<ArgumentException>(() => db.CreateCustomer(TestWorkspace.Row(("name", "Ada \uD800"))));
        Assert.Contains("surrogate", e.Message);
        Assert.Throws<ArgumentException>(() => db.InsertMany([TestWorkspace.Row(("name", "x"), ("tags", new[] { "\uDC00" }))]));
        Assert.Throws<ArgumentException>(() => db.GetCustomerByEmail("a\uD800@example.com"));
        Assert.Throws<ArgumentException>(() => db.CreateCustomer(TestWorkspace.Row(("name", "x")), actor: "\uDFFF"));
        Assert.Equal(0, db.CountCustomers());
        // A surrogate pair is a character like any other.
        long id = db.CreateCustomer(TestWorkspace.Row(("name", "Ada \U0001F642")));
        Assert.Equal("Ada \U0001F642", db.GetCustomer(id).GetString("name"));
    }

    [Fact]
    public void TypedGettersRefuseMissingAndMistypedFields()
    {
        using var db = TestWorkspace.Open();
        Customer c = db.GetCustomer(db.CreateCustomer(TestWorkspace.Row(("name", "A"))));
        Assert.Equal("basic", c.GetString("plan")); // the field's default
        Assert.Throws<KeyNotFoundException>(() => c.GetInt64("score"));
        Assert.Throws<InvalidCastException>(() => c.GetInt64("name"));
        Assert.False(c.ContainsKey("score"));
        Assert.Equal(c.Count, c.Keys.Count());
    }
}
