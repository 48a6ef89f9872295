namespace Crm.Tests;

public class TransactionTests
{
    [Fact]
    public void DisposedWithoutCommitStoresNothing()
    {
        using var db = TestWorkspace.Open();
        using (var tx = db.BeginTransaction())
        {
            db.CreateCustomer(TestWorkspace.Row(("name", "A")));
            db.CreateCustomer(TestWorkspace.Row(("name", "B")));
            Assert.Equal(2, db.CountCustomers());
        }
        Assert.Equal(0, db.CountCustomers());
    }

    [Fact]
    public void CommitStoresEverything()
    {
        using var db = TestWorkspace.Open();
        using (var tx = db.BeginTransaction())
        {
            db.CreateCustomer(TestWorkspace.Row(("name", "A")));
            db.InsertMany([TestWorkspace.Row(("name", "B")), TestWorkspace.Row(("name", "C"))]);
            tx.Commit();
            Assert.True(tx.IsEnded);
            Assert.Throws<InvalidOperationException>(() => tx.Commit());
        }
        Assert.Equal(3, db.CountCustomers());
    }

    [Fact]
    public void NestedTransactionIsMisuse()
    {
        using var db = TestWorkspace.Open();
        using var tx = db.BeginTransaction();
        Assert.Throws<MisuseException>(() => db.BeginTransaction());
    }

    [Fact]
    public void EndingOnAnotherThreadThrowsInsteadOfHanging()
    {
        using var db = TestWorkspace.Open();
        using var tx = db.BeginTransaction();
        db.CreateCustomer(TestWorkspace.Row(("name", "A")));
        Exception? error = null;
        var thread = new Thread(() => error = Record.Exception(() => tx.Commit()));
        thread.Start();
        Assert.True(thread.Join(TimeSpan.FromSeconds(10)), "commit from another thread hung");
        Assert.IsType<InvalidOperationException>(error);
        tx.Commit();
        Assert.Equal(1, db.CountCustomers());
    }

    [Fact]
    public void LibcrmItselfAnswersMisuseToACommitFromAnotherThread()
    {
        using var db = TestWorkspace.Open();
        using var tx = db.BeginTransaction();
        db.CreateCustomer(TestWorkspace.Row(("name", "A")));
        int status = -1;
        var thread = new Thread(() => status = Native.crm_commit(db.Handle));
        thread.Start();
        Assert.True(thread.Join(TimeSpan.FromSeconds(10)), "crm_commit from another thread hung");
        Assert.Equal((int)StatusCode.Misuse, status);
        tx.Commit();
        Assert.Equal(1, db.CountCustomers());
    }

    [Fact]
    public void DisposingTheDatabaseRollsBackItsOpenTransaction()
    {
        var db = TestWorkspace.Open();
        var tx = db.BeginTransaction();
        db.CreateCustomer(TestWorkspace.Row(("name", "A")));
        db.Dispose();
        Assert.True(tx.IsEnded);
        tx.Dispose();
    }
}
