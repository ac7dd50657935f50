// The file tree model without an engine: listings come from memory (setLister), so its
// diffing is checked row by row under QAbstractItemModelTester: first listings sorted
// (folders first, natural order), later ones applied as inserts, removals and updates,
// renames moving the row in place, and answers for an earlier sandbox dropped.
#include "client/EngineClient.h"
#include "models/FileTreeModel.h"

#include <QAbstractItemModelTester>
#include <QJsonArray>
#include <QJsonObject>
#include <QSignalSpy>
#include <QtTest>

using namespace sandbench::ui;

namespace {

QJsonObject entry(const QString &name, bool directory = false, qint64 size = 0)
{
    return {{"name", name}, {"type", directory ? "directory" : "file"}, {"size", size},
            {"modifiedAt", "2026-11-30T10:00:00.000Z"}, {"mode", "rw-r--r--"}};
}

} // namespace

class FileTreeModelTest : public QObject {
    Q_OBJECT

private:
    // What the "sandbox" holds: directory -> entries. Listings answer on the next event-loop turn.
    QHash<QString, QJsonArray> disk;
    int listings = 0;               // requests (the model tester asks for folders too)
    int unanswered = 0;
    QHash<QString, int> listingsOf; // requests by path
    std::unique_ptr<FileTreeModel> model;
    std::unique_ptr<QAbstractItemModelTester> tester;

    void answerFromDisk()
    {
        model->setLister([this](const QString &path, std::function<void(const ApiResult &)> answer) {
            ++listings;
            ++unanswered;
            ++listingsOf[path];
            ApiResult result;
            if (disk.contains(path)) {
                result.status = 200;
                result.body = {{"files", disk.value(path)}};
            } else {
                result.status = 404;
                result.errorCode = "FILE_NOT_FOUND";
            }
            QTimer::singleShot(0, model.get(), [this, answer, result] {
                --unanswered;
                answer(result);
            });
        });
    }

    QStringList names(const QModelIndex &parent = {}) const
    {
        QStringList shown;
        for (int row = 0; row < model->rowCount(parent); ++row)
            shown << model->index(row, 0, parent).data().toString();
        return shown;
    }

    // Until every listing asked for has been answered (a refresh waits 30 ms to coalesce).
    void settle()
    {
        QTest::qWait(60);
        QTRY_COMPARE_WITH_TIMEOUT(unanswered, 0, 2000);
    }

private slots:
    void init()
    {
        disk.clear();
        listings = unanswered = 0;
        listingsOf.clear();
        model = std::make_unique<FileTreeModel>(nullptr);
        tester = std::make_unique<QAbstractItemModelTester>(model.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        answerFromDisk();
    }

    void cleanup()
    {
        tester.reset();
        model.reset();
    }

    void firstListingIsSortedFoldersFirstInNaturalOrder()
    {
        disk["/workspace"] = QJsonArray{entry("file_10"), entry("src", true), entry("file_2"), entry("Build", true),
                                        entry("a.txt"), entry("B.txt"), entry("file_02b"), entry("v1.10"), entry("v1.9")};
        model->setSandbox("box");
        settle();
        QVERIFY(model->isRootListed());
        QCOMPARE(names(), (QStringList{"Build", "src", "a.txt", "B.txt", "file_2", "file_02b", "file_10", "v1.9", "v1.10"}));
    }

    void laterListingsAreAppliedAsADifference()
    {
        disk["/workspace"] = QJsonArray{entry("keep.txt", false, 1), entry("gone.txt"), entry("docs", true)};
        model->setSandbox("box");
        settle();
        const QPersistentModelIndex kept = model->indexForPath("/workspace/keep.txt");
        const QPersistentModelIndex docs = model->indexForPath("/workspace/docs");
        QVERIFY(kept.isValid() && docs.isValid());
        QSignalSpy removed(model.get(), &FileTreeModel::pathRemoved);
        QSignalSpy inserted(model.get(), &QAbstractItemModel::rowsInserted);
        QSignalSpy changed(model.get(), &QAbstractItemModel::dataChanged);
        QSignalSpy reset(model.get(), &QAbstractItemModel::modelReset);

        disk["/workspace"] = QJsonArray{entry("keep.txt", false, 2048), entry("docs", true), entry("new.md")};
        model->refreshDirectory("/workspace");
        settle();
        QCOMPARE(names(), (QStringList{"docs", "keep.txt", "new.md"}));
        QCOMPARE(removed.size(), 1);
        QCOMPARE(removed.front().front().toString(), QString("/workspace/gone.txt"));
        QCOMPARE(inserted.size(), 1);
        QCOMPARE(reset.size(), 0); // rows, never a reset: the view keeps its selection and scroll
        QVERIFY(changed.size() >= 1);
        // Rows that stayed are the same rows: persistent indexes still name them.
        QCOMPARE(model->pathOf(kept), QString("/workspace/keep.txt"));
        QCOMPARE(model->index(kept.row(), FileTreeModel::SizeColumn, kept.parent()).data(FileTreeModel::SizeRole).toLongLong(),
                 2048);
        QCOMPARE(model->pathOf(docs), QString("/workspace/docs"));
    }

    void aFileThatBecomesAFolderIsReplaced()
    {
        disk["/workspace"] = QJsonArray{entry("thing")};
        model->setSandbox("box");
        settle();
        disk["/workspace"] = QJsonArray{entry("thing", true)};
        model->refreshDirectory("/workspace");
        settle();
        QVERIFY(model->isDirectory(model->indexForPath("/workspace/thing")));
    }

    void watchEventsRelistOnlyTheirDirectoryOnceForABurst()
    {
        disk["/workspace"] = QJsonArray{entry("src", true)};
        disk["/workspace/src"] = QJsonArray{entry("main.cpp")};
        model->setSandbox("box");
        settle();
        const QModelIndex src = model->indexForPath("/workspace/src");
        if (model->canFetchMore(src)) // unless the model tester expanded it already
            model->fetchMore(src);
        settle();
        QCOMPARE(names(src), QStringList{"main.cpp"});
        const int before = listingsOf.value("/workspace/src");
        const int rootBefore = listingsOf.value("/workspace");

        disk["/workspace/src"] = QJsonArray{entry("main.cpp"), entry("a.h"), entry("b.h")};
        for (const char *name : {"a.h", "b.h"})
            model->applyWatchEvent({{"type", "event"}, {"eventType", "create"},
                                    {"path", QString("/workspace/src/") + name}, {"isDirectory", false}});
        settle();
        QCOMPARE(listingsOf.value("/workspace/src"), before + 1); // two events, one listing
        QCOMPARE(listingsOf.value("/workspace"), rootBefore);    // and no other directory
        QCOMPARE(names(src), (QStringList{"a.h", "b.h", "main.cpp"}));
    }

    void aRenameMovesTheRowInPlace()
    {
        disk["/workspace"] = QJsonArray{entry("old.txt"), entry("z.txt")};
        model->setSandbox("box");
        settle();
        const QPersistentModelIndex renamed = model->indexForPath("/workspace/old.txt");
        QSignalSpy renames(model.get(), &FileTreeModel::pathRenamed);
        disk["/workspace"] = QJsonArray{entry("new.txt"), entry("z.txt")};
        model->applyWatchEvent({{"type", "event"}, {"eventType", "move_from"}, {"path", "/workspace/old.txt"}, {"cookie", 7}});
        model->applyWatchEvent({{"type", "event"}, {"eventType", "move_to"}, {"path", "/workspace/new.txt"}, {"cookie", 7}});
        QCOMPARE(renames.size(), 1);
        QVERIFY(renamed.isValid()); // the same row, now with the new name
        QCOMPARE(model->pathOf(renamed), QString("/workspace/new.txt"));
        settle();
        QCOMPARE(names(), (QStringList{"new.txt", "z.txt"}));
    }

    void answersForAnEarlierSandboxAreDropped()
    {
        disk["/workspace"] = QJsonArray{entry("from-first")};
        model->setSandbox("first");
        disk["/workspace"] = QJsonArray{entry("from-second")};
        model->setSandbox("second"); // before the first answer arrives
        settle();
        QCOMPARE(names(), QStringList{"from-second"});
    }
};

QTEST_MAIN(FileTreeModelTest)
#include "FileTreeModelTest.moc"
