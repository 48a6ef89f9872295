namespace Crm.Tests;

/// <summary>Valid time (issue #21): late and corrective writes, reads known at a past instant, held sums, as-of queries and series.</summary>
public class ValidTimeTests
{
    private static DateTimeOffset Day(int month, int day, int year = 2025) => new(year, month, day, 0, 0, 0, TimeSpan.Zero);

    private static DateTimeOffset Pause()
    {
        Thread.Sleep(2);
        DateTimeOffset now = DateTimeOffset.UtcNow;
        Thread.Sleep(2);
        return now;
    }

    private static CrmDatabase Open()
    {
        var db = TestWorkspace.OpenEmpty();
        db.DefineField(new FieldDefinition { Name = "plan", Type = FieldType.Choice, Options = ["basic", "premium", "enterprise"] });
        return db;
    }

    private static WriteOptions At(DateTimeOffset at, DateTimeOffset? until = null) => new() { EffectiveAt = at, EffectiveUntil = until };

    [Fact]
    public void ALateChangeSlotsInBeforeALaterOne()
    {
        using var db = Open();
        WriteResult created = db.CreateCustomer(TestWorkspace.Row(("name", "Jane"), ("plan", "enterprise")), At(Day(1, 1)));
        Assert.True(created.Created);
        Assert.Equal(Day(1, 1), created.EffectiveAt);
        long id = created.Id;
        db.UpdateCustomer(id, TestWorkspace.Row(("plan", "premium")), At(Day(3, 15)));
        DateTimeOffset beforeLate = Pause();
        WriteResult late = db.UpdateCustomer(id, TestWorkspace.Row(("plan", "basic")), At(Day(3, 1)));
        Assert.Equal((id, 3L, false, Day(3, 1), false), (late.Id, late.Version, late.Created, late.EffectiveAt, late.ChangedCurrent));
        Assert.Equal("premium", db.GetCustomer(id)["plan"]);

        FieldIntervalList timeline = db.FieldTimeline(id, "plan", knownAt: null);
        Assert.Equal(
            [(Day(1, 1), (DateTimeOffset?)Day(3, 1), (object?)"enterprise"), (Day(3, 1), Day(3, 15), "basic"), (Day(3, 15), null, "premium")],
            timeline.Select(i => (i.From, i.To, i.Value)));
        Assert.Equal(TimeSpan.FromDays(14), timeline[1].Duration);
        Assert.True(timeline[1].RecordedAt > beforeLate);
        Assert.True(timeline[2].RecordedAt < beforeLate);

        Assert.Equal("basic", db.GetCustomerAt(id, Day(3, 10))["plan"]);
        Assert.Equal("enterprise", db.GetCustomerAt(id, Day(3, 10), beforeLate)["plan"]);
        Assert.Equal(["enterprise", "premium"], db.FieldTimeline(id, "plan", beforeLate).Select(i => i.Value));
        Assert.Throws<NotFoundException>(() => db.GetCustomerAt(id, Day(12, 31, 2024), knownAt: null));
    }

    [Fact]
    public void ABoundedCorrectionIsSummedAsBilledAndByToday()
    {
        using var db = Open();
        long id = db.CreateCustomer(TestWorkspace.Row(("name", "Ana"), ("plan", "basic")), At(Day(1, 1))).Id;
        db.UpdateCustomer(id, TestWorkspace.Row(("plan", "premium")), At(Day(2, 1)));
        DateTimeOffset billed = Pause();
        WriteResult correction = db.UpdateCustomer(id, TestWorkspace.Row(("plan", "basic")), At(Day(2, 1), Day(5, 1)), actor: "billing-fix");
        Assert.False(correction.ChangedCurrent);

        FieldIntervalList today = db.FieldTimeline(id, "plan", knownAt: null);
        FieldIntervalList asBilled = db.FieldTimeline(id, "plan", billed);
        Assert.Equal([(Day(1, 1), (DateTimeOffset?)Day(5, 1)), (Day(5, 1), null)], today.Select(i => (i.From, i.To)));
        Assert.Equal(TimeSpan.FromDays(150), asBilled.Held("premium", Day(1, 1), Day(7, 1)));
        Assert.Equal(TimeSpan.FromDays(61), today.Held("premium", Day(1, 1), Day(7, 1)));
        Assert.Equal(TimeSpan.FromDays(120), today.Held("basic", Day(1, 1), Day(7, 1)));
        Assert.Throws<ArgumentException>(() => today.Held("basic", Day(7, 1), Day(1, 1)));

        CrmEvent fix = db.Timeline(id).Single(e => e.Actor == "billing-fix");
        Assert.Equal(Day(2, 1), fix.OccurredAt);
        Assert.Equal(Day(5, 1), fix.ValidUntil);
        Assert.True(fix.RecordedAt > billed);
        Assert.All(db.Timeline(id).Where(e => e.Actor != "billing-fix"), e => Assert.Null(e.ValidUntil));

        db.CreateCustomer(TestWorkspace.Row(("name", "Max"), ("plan", "premium")), At(Day(3, 1)));
        Assert.Equal(2, db.Count(Query.Customers("plan = 'premium'")));
        Assert.Equal(1, db.Count(Query.Customers("plan = 'premium'").AsOf(Day(3, 31))));
        Assert.Equal(0, db.Count(Query.Customers("plan = 'premium'").AsOf(Day(2, 15))));
        Assert.Equal(1, db.Count(Query.Customers("plan = 'premium'").AsOf(Day(2, 15), billed)));
        // Max was recorded after the billing run: unknown then.
        Assert.Equal(["Ana"], db.Query(Query.Customers("plan = 'premium'").AsOf(Day(4, 1), billed)).Select(r => r["name"]));

        DateTimeOffset[] monthEnds = [Day(1, 31), Day(2, 28), Day(3, 31), Day(4, 30), Day(5, 31)];
        IReadOnlyList<QueryRow> series = db.AggregateSeries(Query.Customers("plan = 'premium'"), monthEnds);
        Assert.Equal(monthEnds, series.Select(r => (DateTimeOffset)r["valid_at"]!));
        Assert.Equal([0L, 0L, 1L, 1L, 2L], series.Select(r => (long)r["count"]!));
        var then = db.AggregateSeries(new Query("plan = 'premium'") { KnownAt = billed }, monthEnds);
        Assert.Equal([0L, 1L, 1L, 1L, 1L], then.Select(r => (long)r["count"]!));
    }

    [Fact]
    public void RefusedTimesNameTheirRuleAndStoreNothing()
    {
        using var db = Open();
        long id = db.CreateCustomer(TestWorkspace.Row(("name", "Jane"), ("plan", "basic")), At(Day(1, 1))).Id;
        var future = Assert.Throws<ValidationException>(() =>
            db.UpdateCustomer(id, TestWorkspace.Row(("plan", "premium")), At(DateTimeOffset.UtcNow.AddDays(1))));
        Assert.Equal(("effective_at", "future"), (future.Field, future.Rule));
        var early = Assert.Throws<ValidationException>(() =>
            db.UpdateCustomer(id, TestWorkspace.Row(("plan", "premium")), At(Day(12, 1, 2024))));
        Assert.Equal(("effective_at", "before_created"), (early.Field, early.Rule));
        var empty = Assert.ThrowsAny<CrmException>(() =>
            db.UpdateCustomer(id, TestWorkspace.Row(("plan", "premium")), At(Day(3, 1), Day(3, 1))));
        Assert.Equal(("effective_until", "range"), (empty.Field, empty.Rule));
        var bounded = Assert.ThrowsAny<CrmException>(() =>
            db.CreateCustomer(TestWorkspace.Row(("name", "Max")), At(Day(3, 1), Day(4, 1))));
        Assert.Equal("effective_until", bounded.Rule);
        Assert.Equal(1, db.GetCustomer(id).Version);

        var none = Assert.ThrowsAny<CrmException>(() => db.AggregateSeries(Query.Customers(), []));
        Assert.Equal("instants", none.Rule);
        var events = Assert.ThrowsAny<CrmException>(() => db.Count(Query.Events().AsOf(Day(3, 1))));
        Assert.Equal("target", events.Rule);
    }

    [Fact]
    public void BatchesApplyTheOptionsToEveryRow()
    {
        using var db = Open();
        IReadOnlyList<long> ids = db.InsertMany(
            [TestWorkspace.Row(("external_id", "a"), ("plan", "basic")), TestWorkspace.Row(("external_id", "b"), ("plan", "basic"))],
            At(Day(1, 1)));
        var rows = db.UpsertMany(
            [TestWorkspace.Row(("external_id", "a"), ("plan", "premium")), TestWorkspace.Row(("external_id", "b"), ("plan", "premium"))],
            At(Day(3, 1), Day(4, 1)));
        Assert.Equal([(ids[0], false), (ids[1], false)], rows);
        foreach (long id in ids)
        {
            Assert.Equal(Day(1, 1), db.GetCustomer(id)["created_at"]);
            Assert.Equal("basic", db.GetCustomer(id)["plan"]);
            Assert.Equal("premium", db.GetCustomerAt(id, Day(3, 15))["plan"]);
            Assert.Equal("basic", db.GetCustomerAt(id, Day(4, 1))["plan"]);
        }
    }

    [Fact]
    public void HeldClipsToTheWindowAndCountsTheCurrentIntervalToTheRead()
    {
        var timeline = new FieldIntervalList(
            [
                new FieldInterval(Day(1, 1), Day(1, 11), "premium"),
                new FieldInterval(Day(1, 11), Day(2, 1), "basic"),
                new FieldInterval(Day(2, 1), null, "premium"),
            ],
            Day(3, 1));
        Assert.Equal(TimeSpan.FromDays(38), timeline.Held("premium", Day(1, 1), Day(12, 31)));
        Assert.Equal(TimeSpan.FromDays(6), timeline.Held("premium", Day(1, 6), Day(2, 2)));
        TimeSpan oneUs = TimeSpan.FromTicks(10);
        Assert.Equal(oneUs, timeline.Held("basic", Day(1, 11) - oneUs, Day(1, 11) + oneUs));
    }
}
