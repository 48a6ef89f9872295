namespace Crm.Tests;

/// <summary>ApplyRetention, HeldUntil and the definitions of periods, on the backend under test (tests/capi/retention_test.cc has the full set).</summary>
public class RetentionTests
{
    private static readonly DateTimeOffset Now = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void ApplyRemovesExpiredEventsOfTheTypeAndReportsThem()
    {
        using var db = TestWorkspace.OpenEmpty();
        db.DefineEventType("page.view", [new FieldDefinition { Name = "url", Type = FieldType.Url }],
            retentionDays: 30);
        long ada = db.CreateCustomer(TestWorkspace.Row(("name", "Ada")));
        foreach (int days in new[] { 40, 20 })
        {
            db.AppendEvent(new EventInput
            {
                CustomerId = ada,
                Type = "page.view",
                OccurredAt = Now.AddDays(-days),
                Properties = new Dictionary<string, object?> { ["url"] = "https://a.example" },
            });
        }

        RetentionReport report = db.ApplyRetention(Now);

        Assert.Equal(1, report.EventsRemoved);
        Assert.Equal(1, report.ByType["page.view"]);
        Assert.Equal(0, report.StubsRemoved);
        Assert.Equal(["crm.record.created", "page.view"], db.Timeline(ada).Select(e => e.Type).Order().ToArray());
        Assert.Equal(0, db.ApplyRetention(Now).EventsRemoved);
        Assert.Null(db.HeldUntil(ada));
        Assert.Throws<NotFoundException>(() => db.HeldUntil(ada + 1000));
    }

    [Fact]
    public void PeriodsAreCheckedAndHoldDaysIsShown()
    {
        using var db = TestWorkspace.OpenEmpty();
        var bad = Assert.Throws<ValidationException>(() => db.DefineEventType("page.view", [], retentionDays: 36501));
        Assert.Equal(("retention_days", "retention"), (bad.Field, bad.Rule));
        bad = Assert.Throws<ValidationException>(() => db.DefineEventType("invoice.sent",
            [new FieldDefinition { Name = "amount", Type = FieldType.Integer }], holdDays: 10, heldProperties: ["nope"]));
        Assert.Equal(("held_properties", "hold"), (bad.Field, bad.Rule));
        db.DefineEventType("invoice.sent", [new FieldDefinition { Name = "amount", Type = FieldType.Integer }],
            holdDays: 3650, heldProperties: ["amount"]);
        db.DefineField(new FieldDefinition { Name = "vat_id", Type = FieldType.Text, HoldDays = 365 });
        Assert.Equal(365, db.DescribeField("vat_id").HoldDays);
        db.UpdateField("name", new FieldPatch { HoldDays = 3650 });
        Assert.Equal(3650, db.DescribeField("name").HoldDays);
        bad = Assert.Throws<ValidationException>(() => db.UpdateField("created_at", new FieldPatch { HoldDays = 1 }));
        Assert.Equal("hold", bad.Rule);
    }
}
