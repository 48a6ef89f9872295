namespace Crm.Tests;

public class ErasureTests
{
    private const string Marker = "zqxmarkerq";

    /// <summary>A person whose name, history, events and keys carry the marker.</summary>
    private static long CreatePerson(CrmDatabase db)
    {
        long id = db.CreateCustomer(TestWorkspace.Row(("name", "Ada " + Marker), ("city", "Oslo")));
        db.UpdateCustomer(id, TestWorkspace.Row(("city", Marker + "ville")));
        for (int i = 0; i < 3; i++)
        {
            db.AppendEvent(new EventInput
            {
                CustomerId = id,
                Type = "call",
                IdempotencyKey = i < 2 ? $"key-{i}-{Marker}" : null,
                Properties = new Dictionary<string, object?> { ["said"] = "hi " + Marker },
            });
        }
        return id;
    }

    [Fact]
    public void EraseReturnsTheReceiptAndLeavesOnlyTheTombstone()
    {
        using var db = TestWorkspace.Open();
        db.DefineField(new FieldDefinition { Name = "manager", Type = FieldType.Reference });
        long ada = CreatePerson(db);
        long bob = db.CreateCustomer(TestWorkspace.Row(("name", "Bob"), ("manager", ada)));

        EraseReceipt receipt = db.Erase(ada, actor: "dpo", reason: "ticket 17");

        CrmEvent tombstone = Assert.Single(db.Timeline(ada));
        Assert.Equal([ada], receipt.ErasedIds);
        Assert.Equal([tombstone.Seq], receipt.Tombstones);
        Assert.Equal((1L, 3L, 2L, 2L, 1L, 1L, 0L),
            (receipt.Customers, receipt.Events, receipt.HistoryEvents, receipt.IdempotencyKeys,
             receipt.SearchEntries, receipt.ReferencesCleared, receipt.Suppressed));
        Assert.Empty(receipt.Kept);
        Assert.Equal("crm.record.erased", tombstone.Type);
        Assert.Equal("dpo", tombstone.Actor);
        Assert.Equal("ticket 17", Assert.Single(tombstone.Properties).Value);
        Assert.Throws<NotFoundException>(() => db.GetCustomer(ada));
        Assert.Throws<NotFoundException>(() => db.GetCustomerAt(ada, DateTimeOffset.UtcNow));
        Assert.Empty(db.Search(Marker));
        Assert.Equal(0, db.Count(Query.Events($"idempotency_key contains '{Marker}'")));
        Assert.DoesNotContain(db.Follow(0), e => e.CustomerId == ada && e.Seq != tombstone.Seq);
        Assert.Null(db.GetCustomer(bob)["manager"]);
        Assert.Throws<NotFoundException>(() => db.Erase(ada));
    }

    [Fact]
    public void EraseWhereErasesEveryMatchInOneReceipt()
    {
        using var db = TestWorkspace.Open();
        long ann = db.CreateCustomer(TestWorkspace.Row(("name", "Ann"), ("city", "Oldtown")));
        long ben = db.CreateCustomer(TestWorkspace.Row(("name", "Ben"), ("city", "Oldtown")));
        long kim = db.CreateCustomer(TestWorkspace.Row(("name", "Kim"), ("city", "Newtown")));

        EraseReceipt receipt = db.EraseWhere(Query.Customers("city = ?", "Oldtown"), reason: "cleanup");

        Assert.Equal([ann, ben], receipt.ErasedIds);
        Assert.Equal(2, receipt.Tombstones.Count);
        Assert.Equal(2, receipt.Customers);
        Assert.Equal(1, db.CountCustomers());
        Assert.Equal("Kim", db.GetCustomer(kim).GetString("name"));
        Assert.Empty(db.EraseWhere(Query.Customers("city = 'Nowhere'")).ErasedIds);
        var noFilter = Assert.Throws<InvalidArgumentException>(() => db.EraseWhere(Query.Customers()));
        Assert.Equal("filter", noFilter.Rule);
    }

    [Fact]
    public void BadArgumentsThrowAndChangeNothing()
    {
        using var db = TestWorkspace.Open();
        long ada = CreatePerson(db);
        Assert.Equal("reason", Assert.Throws<InvalidArgumentException>(() => db.Erase(ada, reason: new string('r', 1001))).Rule);
        Assert.Equal("flags", Assert.Throws<InvalidArgumentException>(() => db.Erase(ada, keepHeld: true, overrideHold: true)).Rule);
        Assert.Equal("id", Assert.Throws<InvalidArgumentException>(() => db.Erase(0)).Rule);
        Assert.Throws<ArgumentNullException>(() => db.EraseWhere(null!));
        Assert.Equal(Marker + "ville", db.GetCustomer(ada).GetString("city"));
    }

    [Fact]
    public void SuppressKeepsTheEmailAndAHoldKeepsItsField()
    {
        using var db = TestWorkspace.Open();
        long ada = db.CreateCustomer(TestWorkspace.Row(("name", "Ada"), ("email", "ada@example.org")));
        Assert.Equal(1, db.Erase(ada, suppress: true).Suppressed);
        Assert.True(db.IsSuppressed(email: "ADA@example.org"));
        var again = Assert.Throws<ConstraintException>(() => db.CreateCustomer(TestWorkspace.Row(("email", "ada@example.org"))));
        Assert.Equal(("suppressed", "email"), (again.Rule, again.Field));

        db.UpdateField("city", new FieldPatch { HoldDays = 30 });
        long kim = db.CreateCustomer(TestWorkspace.Row(("name", "Kim"), ("city", "Holdtown")));
        var held = Assert.Throws<ConstraintException>(() => db.Erase(kim));
        Assert.Equal(("hold", "city"), (held.Rule, held.Field));
        EraseReceipt receipt = db.Erase(kim, keepHeld: true);
        using var kept = System.Text.Json.JsonDocument.Parse(Assert.Single(receipt.Kept));
        long stub = kept.RootElement.GetProperty("stub_id").GetInt64();
        Assert.Equal("Holdtown", db.GetCustomer(stub).GetString("city"));
        Assert.NotNull(db.HeldUntil(stub));
    }

    [Fact]
    public void CheckpointIsRefusedInsideATransaction()
    {
        using var db = TestWorkspace.Open();
        db.Checkpoint();
        using Transaction tx = db.BeginTransaction();
        Assert.Throws<MisuseException>(() => db.Checkpoint());
        tx.Rollback();
    }

    /// <summary>File-only: a file's bytes.</summary>
    [Fact]
    [Trait("Backend", "File")]
    public void AfterCheckpointTheFileHoldsNoByteOfThePerson()
    {
        string dir = Directory.CreateTempSubdirectory("crm-cs-").FullName;
        try
        {
            string path = Path.Combine(dir, "w.crm");
            using var db = CrmDatabase.Open(path);
            long ada = CreatePerson(db);
            db.Erase(ada);
            db.Checkpoint();
            Assert.Equal(0, new FileInfo(path + "-wal").Length);
            byte[] bytes = File.ReadAllBytes(path);
            Assert.Equal(-1, bytes.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(Marker)));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
