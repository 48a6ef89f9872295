using System.Runtime.InteropServices;

namespace Crm.Tests;

public class EventTests
{
    private static readonly DateTimeOffset Base = new(2024, 3, 1, 9, 0, 0, TimeSpan.Zero);

    private static long NewCustomer(CrmDatabase db, string name = "Acme") =>
        db.CreateCustomer(TestWorkspace.Row(("name", name)));

    private static EventInput Call(long customer, DateTimeOffset? at = null, string type = "call",
        string? channel = "phone", string? key = null, IReadOnlyDictionary<string, object?>? properties = null) => new()
    {
        CustomerId = customer, Type = type, Channel = channel, OccurredAt = at, IdempotencyKey = key,
        Properties = properties ?? new Dictionary<string, object?>(),
    };

    [Fact]
    public void AppendAndGetRoundTripEveryPropertyType()
    {
        using var db = TestWorkspace.Open();
        long customer = NewCustomer(db);
        var occurred = new DateTimeOffset(2024, 3, 1, 10, 20, 30, TimeSpan.FromHours(2)).AddTicks(1234560); // .123456 s
        var seen = new DateTimeOffset(2023, 12, 31, 23, 59, 59, TimeSpan.Zero).AddTicks(9999990);
        DateTimeOffset before = DateTimeOffset.UtcNow;
        AppendResult result = db.AppendEvent(new EventInput
        {
            CustomerId = customer, Type = "order.placed", Channel = "web", Actor = "alice", Source = "shop",
            OccurredAt = occurred,
            Properties = new Dictionary<string, object?>
            {
                ["note"] = "Zoë ✓ — 10\" box",
                ["quantity"] = 3,
                ["big"] = long.MinValue,
                ["amount"] = -1234.50m,
                ["gift"] = true,
                ["wrapped"] = false,
                ["ship_on"] = new DateOnly(2024, 2, 29),
                ["seen_at"] = seen,
                ["labels"] = new[] { "b", "a", "ü" },
            },
        });
        Assert.False(result.Duplicate);
        Assert.True(result.Seq > 0);

        CrmEvent e = db.GetEvent(result.Seq);
        Assert.Equal(result.Seq, e.Seq);
        Assert.Equal(customer, e.CustomerId);
        Assert.Equal("order.placed", e.Type);
        Assert.Equal("web", e.Channel);
        Assert.Equal("alice", e.Actor);
        Assert.Equal("shop", e.Source);
        Assert.Null(e.IdempotencyKey);
        Assert.False(e.IsRecordHistory);
        Assert.Empty(e.Before);
        Assert.Empty(e.After);
        Assert.Equal(occurred, e.OccurredAt);
        Assert.Equal(occurred.UtcTicks, e.OccurredAt.UtcTicks);
        Assert.Equal(TimeSpan.Zero, e.OccurredAt.Offset);
        Assert.Equal(TimeSpan.Zero, e.RecordedAt.Offset);
        Assert.InRange(e.RecordedAt, before.AddSeconds(-1), DateTimeOffset.UtcNow.AddSeconds(1));

        Assert.Equal(9, e.Properties.Count);
        Assert.Equal("Zoë ✓ — 10\" box", Assert.IsType<string>(e.Properties["note"]));
        Assert.Equal(3L, Assert.IsType<long>(e.Properties["quantity"]));
        Assert.Equal(long.MinValue, Assert.IsType<long>(e.Properties["big"]));
        Assert.Equal(-1234.50m, Assert.IsType<decimal>(e.Properties["amount"]));
        Assert.True(Assert.IsType<bool>(e.Properties["gift"]));
        Assert.False(Assert.IsType<bool>(e.Properties["wrapped"]));
        Assert.Equal(new DateOnly(2024, 2, 29), Assert.IsType<DateOnly>(e.Properties["ship_on"]));
        Assert.Equal(seen, Assert.IsType<DateTimeOffset>(e.Properties["seen_at"]));
        Assert.Equal(["b", "a", "ü"], Assert.IsAssignableFrom<IReadOnlyList<string>>(e.Properties["labels"]));

        // The same event through a page (borrowed events, copied before the page is freed).
        CrmEvent viaPage = Assert.Single(db.Timeline(customer, new TimelineOptions { Types = ["order.placed"] }));
        Assert.Equal(e.Properties.OrderBy(p => p.Key).Select(p => p.Key), viaPage.Properties.OrderBy(p => p.Key).Select(p => p.Key));
        Assert.Equal(-1234.50m, viaPage.Properties["amount"]);
    }

    [Fact]
    public void UnsetOccurredAtIsTheTimeOfTheAppendAndUnknownSeqIsNotFound()
    {
        using var db = TestWorkspace.Open();
        long customer = NewCustomer(db);
        DateTimeOffset before = DateTimeOffset.UtcNow.AddSeconds(-1);
        CrmEvent e = db.GetEvent(db.AppendEvent(Call(customer)).Seq);
        Assert.InRange(e.OccurredAt, before, DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.Throws<NotFoundException>(() => db.GetEvent(e.Seq + 1000));
        Assert.Throws<NotFoundException>(() => db.AppendEvent(Call(customer + 1000)));
        Assert.Throws<ArgumentException>(() => db.AppendEvent(Call(customer, properties: TestWorkspace.Row(("ratio", 0.5)))));
    }

    [Fact]
    public void IdempotentRetryReturnsTheSameSeqAndStoresOneEvent()
    {
        using var db = TestWorkspace.Open();
        long customer = NewCustomer(db);
        AppendResult first = db.AppendEvent(Call(customer, Base, key: "call-42", properties: TestWorkspace.Row(("minutes", 5))));
        AppendResult retry = db.AppendEvent(Call(customer, Base.AddHours(1), key: "call-42", properties: TestWorkspace.Row(("minutes", 7))));
        Assert.False(first.Duplicate);
        Assert.True(retry.Duplicate);
        Assert.Equal(first.Seq, retry.Seq);

        CrmEvent stored = Assert.Single(db.Timeline(customer, new TimelineOptions { Types = ["call"] }));
        Assert.Equal(first.Seq, stored.Seq);
        Assert.Equal("call-42", stored.IdempotencyKey);
        Assert.Equal(5L, stored.Properties["minutes"]);
        Assert.Equal(Base, stored.OccurredAt);
        Assert.Single(db.Follow(0), e => e.Type == "call");

        // The same key in a batch: reported as the first event's seq, nothing stored.
        IReadOnlyList<long> seqs = db.AppendEvents([Call(customer, key: "call-42"), Call(customer, key: "call-43")]);
        Assert.Equal(first.Seq, seqs[0]);
        Assert.NotEqual(first.Seq, seqs[1]);
        Assert.Equal(2, db.Timeline(customer, new TimelineOptions { Types = ["call"] }).Count());
    }

    [Fact]
    public void EventsAppendedOutOfTimeOrderComeBackOrderedByOccurredAt()
    {
        using var db = TestWorkspace.Open();
        long customer = NewCustomer(db);
        int[] hours = [5, 1, 3, 0, 4, 2];
        var seqByHour = hours.ToDictionary(h => h, h => db.AppendEvent(Call(customer, Base.AddHours(h))).Seq);

        var newestFirst = db.Timeline(customer, new TimelineOptions { Types = ["call"] }).ToList();
        Assert.Equal([5, 4, 3, 2, 1, 0], newestFirst.Select(e => (int)(e.OccurredAt - Base).TotalHours));
        Assert.Equal(new[] { 5, 4, 3, 2, 1, 0 }.Select(h => seqByHour[h]), newestFirst.Select(e => e.Seq));

        var oldestFirst = db.Timeline(customer, new TimelineOptions { Types = ["call"], OldestFirst = true, PageSize = 2 }).ToList();
        Assert.Equal([0, 1, 2, 3, 4, 5], oldestFirst.Select(e => (int)(e.OccurredAt - Base).TotalHours));

        // Bounds: from inclusive, to exclusive.
        var window = db.Timeline(customer, new TimelineOptions
        {
            Types = ["call"], From = Base.AddHours(1), To = Base.AddHours(4), OldestFirst = true,
        });
        Assert.Equal([1, 2, 3], window.Select(e => (int)(e.OccurredAt - Base).TotalHours));
    }

    [Fact]
    public void TimelinePagingYieldsEachEventOnceWhileEventsAreAppended()
    {
        using var db = TestWorkspace.Open();
        long customer = NewCustomer(db);
        long other = NewCustomer(db, "Other");
        var original = new HashSet<long>();
        for (int i = 0; i < 120; i++)
        {
            original.Add(db.AppendEvent(Call(customer, Base.AddMinutes(i), properties: TestWorkspace.Row(("i", i)))).Seq);
            if (i % 10 == 0) db.AppendEvent(Call(other, Base.AddMinutes(i)));
        }

        var options = new TimelineOptions { Types = ["call"], PageSize = 25 };
        var seen = new List<CrmEvent>();
        var older = new HashSet<long>();
        var newer = new HashSet<long>();
        foreach (CrmEvent e in db.Timeline(customer, options).Take(500)) // a binding that lost the cursor fails, not hangs
        {
            seen.Add(e);
            if (seen.Count is 10 or 60)
            {
                // Older than everything: still ahead of a newest-first walk. Newer: already behind it.
                older.Add(db.AppendEvent(Call(customer, Base.AddDays(-1).AddMinutes(seen.Count))).Seq);
                newer.Add(db.AppendEvent(Call(customer, Base.AddDays(1).AddMinutes(seen.Count))).Seq);
            }
        }

        Assert.Equal(seen.Count, seen.Select(e => e.Seq).Distinct().Count());
        Assert.Equal(122, seen.Count);
        Assert.True(original.IsSubsetOf(seen.Select(e => e.Seq)));
        Assert.True(older.IsSubsetOf(seen.Select(e => e.Seq)));
        Assert.Empty(newer.Intersect(seen.Select(e => e.Seq)));
        Assert.All(seen, e => Assert.Equal(customer, e.CustomerId));
        Assert.Equal(Enumerable.Range(0, 120).Reverse().Select(i => (long)i), seen.Take(120).Select(e => (long)e.Properties["i"]!));

        // Page by page: 124 events now, pages of 25, the cursor null only on the last.
        var pages = new List<TimelinePage>();
        string? cursor = null;
        do
        {
            TimelinePage page = db.TimelinePage(customer, options, cursor);
            pages.Add(page);
            cursor = page.NextCursor;
        }
        while (cursor is not null);
        Assert.Equal([25, 25, 25, 25, 24], pages.Select(p => p.Events.Count));
        Assert.All(pages.SkipLast(1), p => Assert.False(string.IsNullOrEmpty(p.NextCursor)));
        Assert.Throws<InvalidArgumentException>(() => db.TimelinePage(customer, options, "not a cursor"));
        Assert.Throws<InvalidArgumentException>(() => db.TimelinePage(customer, options with { PageSize = 1001 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => db.Timeline(customer, options with { PageSize = 0 }));
        Assert.Throws<InvalidArgumentException>(() => db.Follow(0, limit: 10_001));
        Assert.NotEmpty(db.Follow(0, limit: 10_000));
    }

    [Fact]
    public void TypeAndChannelFiltersSelectOnlyMatchingEvents()
    {
        using var db = TestWorkspace.Open();
        long customer = NewCustomer(db);
        string[] types = ["call", "email.sent", "order.placed"];
        string[] channels = ["phone", "email", "web"];
        for (int i = 0; i < 27; i++)
            db.AppendEvent(Call(customer, Base.AddMinutes(i), type: types[i % 3], channel: channels[i / 3 % 3]));
        db.AppendEvent(Call(customer, Base, type: "call", channel: null));

        var calls = db.Timeline(customer, new TimelineOptions { Types = ["call"] }).ToList();
        Assert.Equal(10, calls.Count);
        Assert.All(calls, e => Assert.Equal("call", e.Type));

        var webOrPhone = db.Timeline(customer, new TimelineOptions { Channels = ["web", "phone"], PageSize = 4 }).ToList();
        Assert.Equal(18, webOrPhone.Count);
        Assert.All(webOrPhone, e => Assert.Contains(e.Channel, new[] { "web", "phone" }));

        var both = db.Timeline(customer, new TimelineOptions { Types = ["call", "order.placed"], Channels = ["email"] }).ToList();
        Assert.Equal(6, both.Count);
        Assert.All(both, e => { Assert.Equal("email", e.Channel); Assert.NotEqual("email.sent", e.Type); });

        Assert.Empty(db.Timeline(customer, new TimelineOptions { Types = ["never"] }));
        // null or empty lists mean "all" (28 host events plus the crm.record.created one).
        Assert.Equal(29, db.Timeline(customer, new TimelineOptions { Types = [], Channels = null }).Count());
        Assert.Equal(29, db.Timeline(customer).Count());
        Assert.Throws<ArgumentException>(() => db.Timeline(customer, new TimelineOptions { Types = ["a\0b"] }).ToList());
    }

    [Fact]
    public void EventHighWaterIsTheNewestCommittedSeq()
    {
        using var db = TestWorkspace.Open();
        long customer = NewCustomer(db);
        long before = db.EventHighWater();
        long seq = db.AppendEvent(Call(customer, Base, key: "hw-1")).Seq;
        Assert.True(seq > before);
        Assert.Equal(seq, db.EventHighWater());
        Assert.Equal(seq, db.Follow(0).Max(e => e.Seq));
    }

    [Fact]
    public void AppendEventsOfAThousandReturnsAThousandSeqs()
    {
        using var db = TestWorkspace.Open();
        long[] customers = Enumerable.Range(0, 10).Select(i => NewCustomer(db, $"C{i}")).ToArray();
        long start = db.Follow(0).Max(e => e.Seq);
        var events = Enumerable.Range(0, 1000).Select(i => new EventInput
        {
            CustomerId = customers[i % 10], Type = "page.view", Channel = "web", Source = "tracker",
            OccurredAt = Base.AddSeconds(i), IdempotencyKey = $"view-{i}",
            Properties = TestWorkspace.Row(("path", $"/p/{i}"), ("ms", (long)i), ("price", i / 100m)),
        });
        IReadOnlyList<long> seqs = db.AppendEvents(events);
        Assert.Equal(1000, seqs.Count);
        Assert.Equal(seqs.Order(), seqs);
        Assert.Equal(1000, seqs.Distinct().Count());

        IReadOnlyList<CrmEvent> mirrored = db.Follow(start, 1000);
        Assert.Equal(seqs, mirrored.Select(e => e.Seq));
        CrmEvent last = db.GetEvent(seqs[999]);
        Assert.Equal(customers[9], last.CustomerId);
        Assert.Equal("/p/999", last.Properties["path"]);
        Assert.Equal(9.99m, last.Properties["price"]);
        Assert.Equal("view-999", last.IdempotencyKey);
        Assert.Equal(Base.AddSeconds(999), last.OccurredAt);
        Assert.Empty(db.Follow(seqs[999]));
        Assert.Equal(seqs.Skip(500).Take(10), db.Follow(seqs[499], limit: 10).Select(e => e.Seq));
    }

    [Fact]
    public void ABatchWithOneUnknownCustomerStoresNothingAndNamesTheRow()
    {
        using var db = TestWorkspace.Open();
        long customer = NewCustomer(db);
        long start = db.Follow(0).Max(e => e.Seq);
        var events = Enumerable.Range(0, 1000)
            .Select(i => Call(i == 613 ? customer + 999 : customer, Base.AddSeconds(i), key: $"k{i}"))
            .ToList();
        var e = Assert.Throws<BatchException>(() => db.AppendEvents(events));
        Assert.Equal(1000, e.Rows.Count);
        BatchRowResult bad = Assert.Single(e.RejectedRows);
        Assert.Equal(613, bad.Row);
        Assert.Equal(StatusCode.NotFound, bad.Status);
        Assert.Equal(StatusCode.NotFound, e.Code);
        Assert.IsType<NotFoundException>(e.InnerException);
        Assert.Contains("row 613", bad.Message);
        Assert.All(e.Rows, r => Assert.Equal(0, r.Id));
        Assert.Empty(db.Follow(start));

        // Nothing was stored, so the keys are still free.
        Assert.Equal(999, db.AppendEvents(events.Where((_, i) => i != 613)).Count);
    }

    [Fact]
    public void RegisteredEventTypeRejectsAMissingRequiredProperty()
    {
        using var db = TestWorkspace.Open();
        long customer = NewCustomer(db);
        db.DefineEventType("order.placed",
        [
            new FieldDefinition { Name = "amount", Type = FieldType.Decimal, Scale = 2, Required = true, Min = 0m },
            new FieldDefinition { Name = "sku", Type = FieldType.Text, MaxLength = 8 },
        ], description: "An order from the shop");

        var missing = Assert.Throws<ValidationException>(() => db.AppendEvent(
            Call(customer, type: "order.placed", properties: TestWorkspace.Row(("sku", "A-1")))));
        Assert.Equal("amount", missing.Field);
        Assert.Equal("required", missing.Rule);

        var negative = Assert.Throws<ValidationException>(() => db.AppendEvent(
            Call(customer, type: "order.placed", properties: TestWorkspace.Row(("amount", -1m)))));
        Assert.Equal("amount", negative.Field);
        Assert.Equal("min", negative.Rule);

        var inBatch = Assert.Throws<BatchException>(() => db.AppendEvents([
            Call(customer, type: "order.placed", properties: TestWorkspace.Row(("amount", 5m))),
            Call(customer, type: "order.placed", properties: TestWorkspace.Row(("sku", "B-2"))),
        ]));
        Assert.Equal(1, Assert.Single(inBatch.RejectedRows).Row);
        Assert.Equal("required", inBatch.Rule);
        Assert.Equal("amount", inBatch.Field);

        long seq = db.AppendEvent(Call(customer, type: "order.placed", properties: TestWorkspace.Row(("amount", 19.9m), ("sku", "A-1")))).Seq;
        Assert.Equal(19.90m, db.GetEvent(seq).Properties["amount"]);
        Assert.Single(db.Timeline(customer, new TimelineOptions { Types = ["order.placed"] }));
        Assert.Throws<ArgumentNullException>(() => db.DefineEventType("x", null!));
    }

    [Fact]
    public void EncodesAnEventBatchByteForByte()
    {
        // Checked against: protoc --encode=crm.wire.EventBatch crm.proto
        var (bytes, count) = EventBatchEncoder.Encode([
            new EventInput
            {
                CustomerId = -1, Type = "call", OccurredAt = DateTimeOffset.UnixEpoch,
                Properties = TestWorkspace.Row(("n", -2L), ("z", null)),
            },
            new EventInput
            {
                CustomerId = 300, Type = "x", Channel = "c", Actor = "a", Source = "s", IdempotencyKey = "k",
                Properties = TestWorkspace.Row(("l", new[] { "p" })),
            },
        ]);
        byte[] expected = Convert.FromHexString(
            "0a2308ffffffffffffffffff01120463616c6c300042070a016e1202100342050a017a12000a1e08ac021201781a01632201612a01733a016b420a0a016c12053a030a0170");
        Assert.Equal(2, count);
        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(bytes));
    }

    [Fact]
    public void TimelineOptionsLayoutMatchesC()
    {
        // offsetof() in crm_timeline_options on LP64, printed by a C program against crm.h.
        Assert.Equal(72, Marshal.SizeOf<Native.TimelineOptions>());
        Assert.Equal(8, (int)Marshal.OffsetOf<Native.TimelineOptions>(nameof(Native.TimelineOptions.FromUs)));
        Assert.Equal(24, (int)Marshal.OffsetOf<Native.TimelineOptions>(nameof(Native.TimelineOptions.Types)));
        Assert.Equal(56, (int)Marshal.OffsetOf<Native.TimelineOptions>(nameof(Native.TimelineOptions.OldestFirst)));
        Assert.Equal(60, (int)Marshal.OffsetOf<Native.TimelineOptions>(nameof(Native.TimelineOptions.PageSize)));
        Assert.Equal(64, (int)Marshal.OffsetOf<Native.TimelineOptions>(nameof(Native.TimelineOptions.Cursor)));
    }
}
