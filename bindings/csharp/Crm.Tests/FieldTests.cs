namespace Crm.Tests;

public class FieldTests
{
    [Fact]
    public void DefinitionRoundTripsThroughDescribe()
    {
        using var db = CrmDatabase.Open(":memory:");
        long id = db.DefineField(new FieldDefinition
        {
            Name = "tier", Type = FieldType.Choice, Label = "Tier", Description = "Support tier", Group = "service",
            Required = true, Indexed = true, Options = ["bronze", "silver"], DefaultValue = "bronze",
        });
        db.DefineField(new FieldDefinition
        {
            Name = "budget", Type = FieldType.Decimal, Scale = 2, Min = "0", Max = "1000000", DefaultValue = 10.50m,
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
        Assert.Equal("0", budget.Min);
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
}
