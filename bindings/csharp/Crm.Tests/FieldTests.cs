namespace Crm.Tests;

public class FieldTests
{
    [Fact]
    public void DefinitionRoundTripsThroughDescribe()
    {
        using var db = TestWorkspace.OpenEmpty();
        long id = db.DefineField(new FieldDefinition
        {
            Name = "tier", Type = FieldType.Choice, Label = "Tier", Description = "Support tier", Group = "service",
            Required = true, Indexed = true, Options = ["bronze", "silver"], DefaultValue = "bronze",
        });
        db.DefineField(new FieldDefinition
        {
            Name = "budget", Type = FieldType.Decimal, Scale = 2, Min = 0m, Max = 1000000m, DefaultValue = 10.50m,
        });
        FieldInfo tier = db.DescribeField("tier");
        Assert.Equal(id, tier.Id);
        Assert.Equal("choice", tier.Type);
        Assert.Equal("Tier", tier.Label);
        Assert.Equal("Support tier", tier.Description);
        Assert.Equal("service", tier.Group);
        Assert.True(tier.Required);
        Assert.True(tier.Indexed);
        Assert.False(tier.Builtin);
        Assert.Equal(new[] { "bronze", "silver" }, tier.Options);
        Assert.Equal("bronze", tier.DefaultValue);
        Assert.Equal("active", tier.Status);

        FieldInfo budget = db.DescribeField("budget");
        Assert.Equal(2, budget.Scale);
        Assert.Equal(0m, Assert.IsType<decimal>(budget.Min));
        Assert.Equal(1000000m, Assert.IsType<decimal>(budget.Max));
        Assert.Equal(10.50m, budget.DefaultValue);
        Assert.True(FieldTypes.TryParse(budget.Type, out FieldType type));
        Assert.Equal(FieldType.Decimal, type);

        FieldInfo email = db.DescribeField("email");
        Assert.True(email.Builtin);
        Assert.True(email.Unique);
        Assert.Null(email.DefaultValue);
    }

    [Fact]
    public void UpdateArchiveRestoreAndDelete()
    {
        using var db = TestWorkspace.Open();
        db.UpdateField("plan", new FieldPatch { Label = "Plan", AddOptions = ["gold"], ClearDefaultValue = true });
        FieldInfo plan = db.DescribeField("plan");
        Assert.Equal("Plan", plan.Label);
        Assert.Equal(new[] { "basic", "premium", "gold" }, plan.Options);
        Assert.Null(plan.DefaultValue);
        db.CreateCustomer(TestWorkspace.Row(("name", "A"), ("plan", "gold")));

        db.ArchiveField("score");
        Assert.DoesNotContain(db.ListFields(), f => f.Name == "score");
        Assert.Contains(db.ListFields(includeArchived: true), f => f.Name == "score" && f.IsArchived);
        var e = Assert.Throws<ValidationException>(() => db.CreateCustomer(TestWorkspace.Row(("score", 1))));
        Assert.Equal("archived", e.Rule);
        db.RestoreField("score");
        Assert.False(db.DescribeField("score").IsArchived);

        db.DeleteField("score");
        Assert.Throws<NotFoundException>(() => db.DescribeField("score"));
        var bad = Assert.Throws<ValidationException>(() => db.DefineField(new FieldDefinition { Name = "Bad Name", Type = FieldType.Text }));
        Assert.Contains("Bad Name", bad.Message);
        Assert.Throws<ConstraintException>(() => db.DefineField(new FieldDefinition { Name = "email", Type = FieldType.Text }));
    }

    /// <summary>
    /// Min and Max are values of the field's type, as a .NET developer would
    /// write and compare them, not text (issue #13).
    /// </summary>
    [Fact]
    public void BoundsAreValuesOfTheFieldsType()
    {
        using var db = TestWorkspace.OpenEmpty();
        var eightUtc = new DateTimeOffset(2024, 1, 31, 8, 0, 0, TimeSpan.Zero);
        db.DefineField(new FieldDefinition { Name = "seats", Type = FieldType.Integer, Min = 1, Max = 500L });
        db.DefineField(new FieldDefinition { Name = "price", Type = FieldType.Decimal, Scale = 2, Min = 0.01m, Max = 99999.99m });
        db.DefineField(new FieldDefinition { Name = "starts", Type = FieldType.Date, Min = new DateOnly(2024, 1, 31) });
        // 10:00 at +02:00 is 08:00 UTC: the bound is the instant, whatever the offset it is written with.
        db.DefineField(new FieldDefinition
        {
            Name = "seen", Type = FieldType.DateTime, Min = new DateTimeOffset(2024, 1, 31, 10, 0, 0, TimeSpan.FromHours(2)),
            Max = new DateTime(2030, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddTicks(10),
        });

        Assert.Equal(1L, Assert.IsType<long>(db.DescribeField("seats").Min));
        Assert.Equal(500L, Assert.IsType<long>(db.DescribeField("seats").Max));
        Assert.Equal(0.01m, Assert.IsType<decimal>(db.DescribeField("price").Min));
        Assert.Equal(99999.99m, Assert.IsType<decimal>(db.DescribeField("price").Max));
        Assert.Equal(new DateOnly(2024, 1, 31), Assert.IsType<DateOnly>(db.DescribeField("starts").Min));
        Assert.Null(db.DescribeField("starts").Max);
        DateTimeOffset seenMin = Assert.IsType<DateTimeOffset>(db.DescribeField("seen").Min);
        Assert.Equal(eightUtc, seenMin);
        Assert.Equal(TimeSpan.Zero, seenMin.Offset);
        Assert.Equal(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(10),
            Assert.IsType<DateTimeOffset>(db.DescribeField("seen").Max));   // microseconds, as libcrm keeps them
        Assert.Null(db.DescribeField("name").Min);

        // libcrm enforces them as given.
        var low = Assert.Throws<ValidationException>(() => db.CreateCustomer(TestWorkspace.Row(("seats", 0))));
        Assert.Equal("min", low.Rule);
        Assert.Throws<ValidationException>(() => db.CreateCustomer(TestWorkspace.Row(("price", 0.00m))));
        Assert.Throws<ValidationException>(() => db.CreateCustomer(TestWorkspace.Row(("starts", new DateOnly(2024, 1, 30)))));
        Assert.Throws<ValidationException>(() => db.CreateCustomer(TestWorkspace.Row(("seen", eightUtc.AddTicks(-10)))));
        db.CreateCustomer(TestWorkspace.Row(("seats", 1), ("price", 0.01m), ("starts", new DateOnly(2024, 1, 31)), ("seen", eightUtc)));
    }

    [Fact]
    public void BoundsOfOtherTypesOrAsTextAreRefusedBeforeLibcrm()
    {
        using var db = TestWorkspace.OpenEmpty();
        var text = Assert.Throws<ArgumentException>(() =>
            db.DefineField(new FieldDefinition { Name = "seats", Type = FieldType.Integer, Min = "1" }));
        Assert.Contains("Min", text.Message);
        Assert.Throws<ArgumentException>(() =>
            db.DefineField(new FieldDefinition { Name = "ok", Type = FieldType.Boolean, Max = true }));
        Assert.Throws<ArgumentException>(() =>
            db.DefineField(new FieldDefinition { Name = "ratio", Type = FieldType.Decimal, Min = 0.5 }));
        Assert.Throws<ArgumentException>(() =>
            db.DefineField(new FieldDefinition { Name = "seen", Type = FieldType.DateTime, Min = new DateTime(2024, 1, 1) }));
        Assert.DoesNotContain(db.ListFields(), f => !f.Builtin);
        // A bound libcrm does not take for the type is libcrm's validation error, naming the rule.
        var wrong = Assert.Throws<ValidationException>(() =>
            db.DefineField(new FieldDefinition { Name = "seats", Type = FieldType.Integer, Min = 1.5m }));
        Assert.Equal("min", wrong.Rule);
    }

    [Fact]
    public void PatchesSetAndClearBounds()
    {
        using var db = TestWorkspace.Open();
        db.UpdateField("score", new FieldPatch { Min = 0, Max = 10L });
        Assert.Equal(0L, db.DescribeField("score").Min);
        Assert.Equal(10L, db.DescribeField("score").Max);
        Assert.Throws<ValidationException>(() => db.CreateCustomer(TestWorkspace.Row(("score", 11))));
        db.UpdateField("score", new FieldPatch { ClearMax = true });
        Assert.Equal(0L, db.DescribeField("score").Min);
        Assert.Null(db.DescribeField("score").Max);
        db.UpdateField("score", new FieldPatch { ClearMin = true, Label = "Score" });
        Assert.Null(db.DescribeField("score").Min);
        db.CreateCustomer(TestWorkspace.Row(("score", -11)));
    }

    /// <summary>Bounds another client (C, Python) wrote in any form libcrm takes read back typed.</summary>
    [Fact]
    public void BoundsWrittenAsTextByOtherClientsReadBackTyped()
    {
        using var db = TestWorkspace.OpenEmpty();
        Define(db, """{"name": "n", "type": "integer", "min": "+10.00", "max": "9223372036854775807"}""");
        Define(db, """{"name": "d", "type": "decimal", "scale": 3, "min": "-.5", "max": "12."}""");
        Define(db, """{"name": "t", "type": "datetime", "min": "2024-01-31T10:00:00.123456+02:00", "max": "2024-02-01T00:00:00z"}""");
        Assert.Equal(10L, db.DescribeField("n").Min);
        Assert.Equal(long.MaxValue, db.DescribeField("n").Max);
        Assert.Equal(-0.5m, db.DescribeField("d").Min);
        Assert.Equal(12m, db.DescribeField("d").Max);
        Assert.Equal(new DateTimeOffset(2024, 1, 31, 8, 0, 0, TimeSpan.Zero).AddTicks(1234560), db.DescribeField("t").Min);
        Assert.Equal(new DateTimeOffset(2024, 2, 1, 0, 0, 0, TimeSpan.Zero), db.DescribeField("t").Max);
    }

    private static void Define(CrmDatabase db, string json) =>
        Errors.Check(Native.crm_field_define(out _, db.Handle, json));
}
