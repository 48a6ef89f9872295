namespace Crm.Tests;

public class CustomerTests
{
    // A record crosses the ABI once each way (crm_record_decode of a one-row
    // batch, crm_record_encode read as a row page): every kind of value comes
    // back as written, decimals with their scale, datetimes to the microsecond.
    [Fact]
    public void EveryKindOfValueRoundTripsThroughOneCrossing()
    {
        using var db = TestWorkspace.Open();
        db.DefineField(new FieldDefinition { Name = "interests", Type = FieldType.Tags });
        var seen = new DateTimeOffset(2024, 2, 29, 23, 59, 58, TimeSpan.Zero).AddTicks(1234560);
        long id = db.CreateCustomer(TestWorkspace.Row(
            ("name", "Zoë \"Quote\" O'Brien"), ("plan", "premium"), ("contract_value", 1234.50m),
            ("score", long.MinValue), ("active", false), ("renewal", new DateOnly(2025, 12, 31)),
            ("last_seen", seen), ("interests", new[] { "vip", "b2b" })));
        Customer c = db.GetCustomer(id);
        Assert.Equal(id, c.Id);
        Assert.Equal(1, c.Version);
        Assert.Equal("Zoë \"Quote\" O'Brien", c.GetString("name"));
        Assert.Equal("premium", c.GetString("plan"));
        Assert.Equal(1234.50m, c.GetDecimal("contract_value"));
        Assert.Equal(2, c.GetDecimal("contract_value").Scale);
        Assert.Equal(long.MinValue, c.GetInt64("score"));
        Assert.False(c.GetBoolean("active"));
        Assert.Equal(new DateOnly(2025, 12, 31), c.GetDateOnly("renewal"));
        Assert.Equal(seen, c.GetDateTimeOffset("last_seen"));
        Assert.Equal(new[] { "vip", "b2b" }, c.GetList("interests"));

        Assert.Equal(2, db.UpdateCustomer(id, TestWorkspace.Row(("score", null), ("active", true))));
        Customer updated = db.GetCustomer(id);
        Assert.Equal(2, updated.Version);
        Assert.False(updated.ContainsKey("score"));
        Assert.True(updated.GetBoolean("active"));
        Assert.Equal("premium", updated.GetString("plan"));
    }

    [Fact]
    public void ChoiceOutsideOptionsIsAValidationErrorNamingFieldAndRule()
    {
        using var db = TestWorkspace.Open();
        var e = Assert.Throws<ValidationException>(() =>
            db.CreateCustomer(TestWorkspace.Row(("name", "A"), ("plan", "gold"))));
        Assert.Equal("plan", e.Field);
        Assert.Equal("options", e.Rule);
        Assert.Equal(StatusCode.Validation, e.Code);
        Assert.Equal("CRM_E_VALIDATION", e.StatusName);
        Assert.False(string.IsNullOrEmpty(e.Message));
        Assert.Equal(0, db.CountCustomers());
    }

    [Fact]
    public void StaleExpectedVersionIsAConflictAndChangesNothing()
    {
        using var db = TestWorkspace.Open();
        long id = db.CreateCustomer(TestWorkspace.Row(("name", "A"), ("score", 1L)));
        Assert.Equal(2, db.UpdateCustomer(id, TestWorkspace.Row(("score", 2L)), expectedVersion: 1));
        Assert.Throws<ConflictException>(() => db.UpdateCustomer(id, TestWorkspace.Row(("score", 3L)), expectedVersion: 1));
        Assert.Throws<ConflictException>(() => db.DeleteCustomer(id, expectedVersion: 1));
        Customer c = db.GetCustomer(id);
        Assert.Equal(2, c.Version);
        Assert.Equal(2, c.GetInt64("score"));
    }

    [Fact]
    public void NullClearsAFieldAndOnlyGivenFieldsChange()
    {
        using var db = TestWorkspace.Open();
        long id = db.CreateCustomer(TestWorkspace.Row(("name", "A"), ("score", 7), ("city", "Oslo")));
        db.UpdateCustomer(id, TestWorkspace.Row(("score", null)), actor: "tests");
        Customer c = db.GetCustomer(id);
        Assert.False(c.ContainsKey("score"));
        Assert.Equal("Oslo", c.GetString("city"));
        Assert.Equal("A", c.GetString("name"));
    }

    [Fact]
    public void LookupsByEmailAndExternalIdAndMissingIds()
    {
        using var db = TestWorkspace.Open();
        long id = db.CreateCustomer(TestWorkspace.Row(("name", "A"), ("email", "ann@example.com"), ("external_id", "ERP-1")));
        Assert.Equal(id, db.GetCustomerByEmail("ANN@example.com").Id);
        Assert.Equal(id, db.GetCustomerByExternalId("ERP-1").Id);
        Assert.Throws<NotFoundException>(() => db.GetCustomer(id + 100));
        Assert.Throws<NotFoundException>(() => db.GetCustomerByExternalId("nope"));

        var dup = Assert.Throws<ConstraintException>(() =>
            db.CreateCustomer(TestWorkspace.Row(("name", "B"), ("email", "ann@example.com"))));
        Assert.Equal("email", dup.Field);
        Assert.Equal("unique", dup.Rule);

        db.DeleteCustomer(id, expectedVersion: 1);
        Assert.Equal(0, db.CountCustomers());
    }

    [Fact]
    public void UpsertCreatesThenUpdates()
    {
        using var db = TestWorkspace.Open();
        var (id, created) = db.UpsertCustomer(TestWorkspace.Row(("external_id", "X-1"), ("name", "First")));
        Assert.True(created);
        var (again, createdAgain) = db.UpsertCustomer(TestWorkspace.Row(("external_id", "X-1"), ("name", "Second")));
        Assert.False(createdAgain);
        Assert.Equal(id, again);
        Assert.Equal("Second", db.GetCustomer(id).GetString("name"));
        Assert.Throws<ValidationException>(() => db.UpsertCustomer(TestWorkspace.Row(("name", "No key"))));
    }

    [Fact]
    public void IndexerGivesNullForADefinedFieldWithoutValueAndThrowsForAnUnknownName()
    {
        using var db = TestWorkspace.Open();
        long id = db.CreateCustomer(TestWorkspace.Row(("name", "A")));
        Customer c = db.GetCustomer(id);
        Assert.Null(c["score"]);            // user-defined, never set
        Assert.Null(c["city"]);             // standard, never set
        Assert.Equal("A", c["name"]);
        // The dictionary view still lists only the fields that hold a value.
        Assert.False(c.ContainsKey("score"));
        Assert.False(c.TryGetValue("score", out _));
        Assert.DoesNotContain("score", c.Keys);

        // A name no field has (here a typo) is an error that says so.
        var unknown = Assert.Throws<KeyNotFoundException>(() => c["scroe"]);
        Assert.Contains("'scroe'", unknown.Message);
        Assert.Contains("no field", unknown.Message);
        Assert.Equal("unknown_field", Assert.IsType<NotFoundException>(unknown.InnerException).Rule);

        // A field defined after the read, and an archived one, hold no value either.
        db.DefineField(new FieldDefinition { Name = "later", Type = FieldType.Text });
        Assert.Null(c["later"]);
        db.ArchiveField("score");
        Assert.Null(c["score"]);
    }

    [Fact]
    public void TypedGettersTellAnUnsetFieldFromAnUnknownOne()
    {
        using var db = TestWorkspace.Open();
        Customer c = db.GetCustomer(db.CreateCustomer(TestWorkspace.Row(("name", "A"))));
        var unset = Assert.Throws<KeyNotFoundException>(() => c.GetInt64("score"));
        Assert.Contains("holds no value for 'score'", unset.Message);
        var unknown = Assert.Throws<KeyNotFoundException>(() => c.GetInt64("scroe"));
        Assert.Contains("no field named 'scroe'", unknown.Message);
    }

    [Fact]
    public void AfterDisposeValuesStayReadableButAnUnsetFieldCannotBeCheckedAgainstTheWorkspace()
    {
        var db = TestWorkspace.Open();
        Customer c = db.GetCustomer(db.CreateCustomer(TestWorkspace.Row(("name", "A"))));
        db.Dispose();
        Assert.Equal("A", c["name"]);
        Assert.Equal("A", c.GetString("name"));
        Assert.Throws<ObjectDisposedException>(() => c["score"]);
    }

    [Fact]
    public void AHistoricalReadAlsoGivesNullForAFieldWithoutValue()
    {
        using var db = TestWorkspace.Open();
        long id = db.CreateCustomer(TestWorkspace.Row(("name", "A")));
        Customer then = db.GetCustomerAt(id, db.GetCustomer(id).GetDateTimeOffset("created_at"));
        Assert.Null(then["score"]);
        Assert.Throws<KeyNotFoundException>(() => then["scroe"]);
    }
}
