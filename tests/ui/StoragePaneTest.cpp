// The Storage pane on a real embedded engine and sandbox, under Xvfb, against a real
// S3-compatible server (s3rver, from the conformance suite's npm packages) on loopback:
// the mount dialog mounts a bucket whose objects the sandbox then reads, a refused mount
// shows s3fs's reason in the banner, a remembered mount comes back after a restart,
// unmounting takes it off the list, and a folder is backed up, restored after a question
// (Cancel leaves it), downloaded and deleted. Screenshots go to <build>/screenshots.
#include "support/GuiHarness.h"

#include "client/EventStream.h"
#include "models/FileTreeModel.h"
#include "panes/files/FilesPane.h"
#include "panes/storage/StoragePane.h"
#include "widgets/MessageBanner.h"
#include "widgets/Remembered.h"

#include <QCheckBox>
#include <QDialog>
#include <QAction>
#include <QDialogButtonBox>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtEndian>
#include <QTest>
#include <QToolButton>
#include <QTreeWidget>

#include <memory>

using namespace sandbench;

class StoragePaneTest : public QObject {
    Q_OBJECT

    test::GuiEngine engine_;
    std::unique_ptr<ui::StoragePane> pane_;
    ui::EventStream *events_ = nullptr;
    QTemporaryDir bucketDir_;
    QProcess s3rver_;
    QString endpoint_;

    QString stateOf(const QString &path) const
    {
        for (int row = 0; row < pane_->mountList()->topLevelItemCount(); ++row)
            if (pane_->mountList()->topLevelItem(row)->text(0) == path)
                return pane_->mountList()->topLevelItem(row)->text(3);
        return {};
    }

    // Fills the mount dialog once it is open, takes its picture, and presses Mount.
    void fillNextDialog(const QMap<QString, QString> &fields, const QString &screenshot)
    {
        QTimer::singleShot(300, this, [fields, screenshot] {
            auto *dialog = qobject_cast<QDialog *>(QApplication::activeModalWidget());
            QVERIFY(dialog);
            for (auto field = fields.begin(); field != fields.end(); ++field) {
                auto *edit = dialog->findChild<QLineEdit *>(field.key());
                QVERIFY2(edit, qPrintable(field.key()));
                edit->setText(field.value());
            }
            QTest::qWait(100);
            QVERIFY(test::saveScreenshot(dialog, screenshot));
            dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok)->click();
        });
    }

    QString run(const std::string &command)
    {
        const auto answer = engine_.http().requestJson("POST", "/v1/sandboxes/storage-ui/api/execute",
                                                       client::Json{{"command", command}});
        return QString::fromStdString(answer.json().value("stdout", std::string()));
    }

private slots:
    void initTestCase()
    {
        // s3rver on a free port; it says which once it listens.
        s3rver_.setProgram("node");
        s3rver_.setArguments({SANDBENCH_S3RVER, "-d", bucketDir_.path(), "-a", "127.0.0.1", "-p", "0",
                              "--configure-bucket", "gui-bucket"});
        s3rver_.start();
        QVERIFY2(s3rver_.waitForStarted(), qPrintable(s3rver_.errorString()));
        QString said;
        QTRY_VERIFY_WITH_TIMEOUT((said += QString::fromUtf8(s3rver_.readAllStandardOutput())).contains("listening on"),
                                 15000);
        const QString port = said.section(':', -1).trimmed();
        endpoint_ = "http://127.0.0.1:" + port;
        QVERIFY(port.toInt() > 0);
        QFile object(bucketDir_.filePath("gui-bucket/hello.txt._S3rver_object"));

        engine_.start();
        QCOMPARE(engine_.http().request("PUT", "/v1/sandboxes/storage-ui", R"({"keepAlive":true})").status, 200);
        pane_ = std::make_unique<ui::StoragePane>(engine_.client(), "storage-ui");
        pane_->resize(1000, 560);
        pane_->setSandboxStatus("running");
        pane_->show();
        QVERIFY(QTest::qWaitForWindowExposed(pane_.get()));
        events_ = engine_.client()->openEvents("/v1/events", nullptr, this);
        connect(events_, &ui::EventStream::event, this, [this](const QJsonObject &event) {
            if (event.value("id").toString() == "storage-ui")
                pane_->sandboxEvent(event);
        });
    }

    void cleanupTestCase()
    {
        pane_.reset();
        engine_.stop();
        s3rver_.kill();
        s3rver_.waitForFinished();
    }

    void anEmptyPaneSaysWhatItIsFor()
    {
        auto *details = pane_->findChild<QLabel *>("mountDetails");
        QTRY_VERIFY(details->text().contains("Mount Bucket"));
        QVERIFY(test::saveScreenshot(pane_.get(), "storage-pane-empty"));
    }

    void theDialogMountsABucket()
    {
        QSignalSpy finished(pane_.get(), &ui::StoragePane::mountFinished);
        fillNextDialog({{"endpoint", endpoint_}, {"bucket", "gui-bucket"}, {"accessKeyId", "S3RVER"},
                        {"secretAccessKey", "S3RVER"}},
                       "storage-mount-dialog");
        pane_->askToMount();
        QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty(), 30000);
        QCOMPARE(finished.first().at(0).toString(), QString("/workspace/gui-bucket")); // the path follows the bucket
        QVERIFY2(finished.first().at(1).toBool(), qPrintable(pane_->banner()->text()));
        QTRY_COMPARE_WITH_TIMEOUT(stateOf("/workspace/gui-bucket"), QString("Mounted"), 5000);
        // Written in the sandbox, stored in the bucket (s3rver keeps objects as files).
        run("echo from-the-gui > /workspace/gui-bucket/hello.txt");
        QFile object(bucketDir_.filePath("gui-bucket/hello.txt._S3rver_object"));
        QTRY_VERIFY_WITH_TIMEOUT(object.exists(), 5000);
        QVERIFY(object.open(QIODevice::ReadOnly));
        QCOMPARE(object.readAll(), QByteArray("from-the-gui\n"));
        QTest::qWait(200);
        QVERIFY(test::saveScreenshot(pane_.get(), "storage-pane-mounted"));
        // The Files pane opens the mount like any folder.
        ui::FilesPane files(engine_.client(), "storage-ui");
        files.resize(900, 500);
        files.setSandboxStatus("running");
        files.show();
        QTRY_VERIFY_WITH_TIMEOUT(files.model()->indexForPath("/workspace/gui-bucket").isValid(), 10000);
        files.revealPath("/workspace/gui-bucket/hello.txt");
        QTRY_VERIFY_WITH_TIMEOUT(files.model()->indexForPath("/workspace/gui-bucket/hello.txt").isValid(), 10000);
        QTest::qWait(200);
        QVERIFY(test::saveScreenshot(&files, "storage-bucket-in-files"));
        // A mount sends no file events; what lands in it shows within a few seconds anyway.
        QCOMPARE(files.model()->data(files.model()->indexForPath("/workspace/gui-bucket"), Qt::ToolTipRole).toString(),
                 ui::plainToolTip("/workspace/gui-bucket (a bucket is mounted here)"));
        run("echo later > /workspace/gui-bucket/later.txt");
        QTRY_VERIFY_WITH_TIMEOUT(files.model()->indexForPath("/workspace/gui-bucket/later.txt").isValid(), 12000);
    }

    void aRefusedMountShowsS3fsReason()
    {
        QSignalSpy finished(pane_.get(), &ui::StoragePane::mountFinished);
        fillNextDialog({{"endpoint", endpoint_}, {"bucket", "gui-bucket"}, {"mountPath", "/mnt/refused"},
                        {"accessKeyId", "NOBODY"}, {"secretAccessKey", "wrong"}},
                       "storage-mount-dialog-wrong");
        pane_->askToMount();
        QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty(), 30000);
        QVERIFY(!finished.first().at(1).toBool());
        QVERIFY2(pane_->banner()->text().contains("InvalidAccessKeyId"), qPrintable(pane_->banner()->text()));
        QVERIFY(!pane_->banner()->text().contains("NOBODY")); // the key id is blanked out
        QTRY_COMPARE_WITH_TIMEOUT(stateOf("/mnt/refused"), QString(), 5000); // nothing half-mounted stays listed
        // The reason in one line; s3fs's own lines wait behind Details.
        auto *toggle = pane_->banner()->findChild<QToolButton *>("details");
        auto *details = pane_->banner()->findChild<QLabel *>("bannerDetails");
        QVERIFY(toggle->isVisible());
        QVERIFY(!details->isVisible());
        QVERIFY(details->text().contains("result of checking service"));
        QTest::qWait(200);
        QVERIFY(test::saveScreenshot(pane_.get(), "storage-pane-refused"));
        toggle->click();
        QVERIFY(details->isVisible());
        QTest::qWait(100);
        QVERIFY(test::saveScreenshot(pane_.get(), "storage-pane-refused-details"));
        toggle->click();
        QVERIFY(!details->isVisible());
        // Change and Retry…, then Cancel: the error and its button stay.
        QTimer::singleShot(300, this, [] {
            auto *dialog = qobject_cast<QDialog *>(QApplication::activeModalWidget());
            QVERIFY(dialog);
            QCOMPARE(dialog->findChild<QLineEdit *>("accessKeyId")->text(), QString("NOBODY")); // as it was typed
            dialog->reject();
        });
        const QString error = pane_->banner()->text();
        auto retryButton = [this] {
            for (QPushButton *button : pane_->banner()->findChildren<QPushButton *>())
                if (button->text() == "Change and Retry…" && !button->isHidden())
                    return button;
            return static_cast<QPushButton *>(nullptr);
        };
        QVERIFY(retryButton());
        retryButton()->click();
        QTRY_VERIFY(retryButton());
        QCOMPARE(pane_->banner()->text(), error);
        QVERIFY(pane_->banner()->showsError());
    }

    void aRememberedMountComesBackAfterARestart()
    {
        auto http = engine_.http();
        QCOMPARE(http.request("POST", "/v1/sandboxes/storage-ui/stop", "{}").status, 200);
        QTRY_COMPARE_WITH_TIMEOUT(stateOf("/workspace/gui-bucket"), QString("Not mounted"), 5000);
        QCOMPARE(http.request("POST", "/v1/sandboxes/storage-ui/start", "{}").status, 200);
        QTRY_COMPARE_WITH_TIMEOUT(stateOf("/workspace/gui-bucket"), QString("Mounted"), 15000);
        QCOMPARE(run("cat /workspace/gui-bucket/hello.txt").trimmed(), QString("from-the-gui"));
    }

    void aFolderIsBackedUpAndRestoredAfterAQuestion()
    {
        run("mkdir -p /workspace/project && echo version-one > /workspace/project/notes.txt");
        QSignalSpy made(pane_.get(), &ui::StoragePane::backupFinished);
        QTimer::singleShot(300, this, [] {
            auto *dialog = qobject_cast<QDialog *>(QApplication::activeModalWidget());
            QVERIFY(dialog);
            dialog->findChild<QLineEdit *>("backupName")->setText("before the edit");
            dialog->findChild<QLineEdit *>("backupExcludes")->setText("*.tmp, node_modules");
            QTest::qWait(100);
            QVERIFY(test::saveScreenshot(dialog, "storage-backup-dialog"));
            dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok)->click();
        });
        pane_->askToBackUp("/workspace/project");
        // Under way: a busy bar in the banner, the backup actions off until it ends.
        QVERIFY(pane_->banner()->showsProgress());
        QCOMPARE(pane_->banner()->text(), QString("Backing up /workspace/project…"));
        QVERIFY(pane_->banner()->findChild<QWidget *>("dismiss")->isHidden()); // work under way cannot be dismissed
        QVERIFY(test::saveScreenshot(pane_.get(), "storage-backup-progress"));
        QTRY_VERIFY_WITH_TIMEOUT(!made.isEmpty(), 30000);
        QVERIFY(!pane_->banner()->showsProgress());
        QVERIFY2(made.first().at(1).toBool(), qPrintable(pane_->banner()->text()));
        const QString id = made.first().at(0).toString();
        QTRY_COMPARE_WITH_TIMEOUT(pane_->backupList()->topLevelItemCount(), 1, 5000);
        QCOMPARE(pane_->backupList()->topLevelItem(0)->text(0), QString("before the edit"));
        QCOMPARE(pane_->backupList()->topLevelItem(0)->text(1), QString("/workspace/project"));
        QTest::qWait(200);
        QVERIFY(test::saveScreenshot(pane_.get(), "storage-pane-backup"));

        run("echo version-two > /workspace/project/notes.txt");
        // The question names what is replaced; Cancel leaves everything as it is.
        auto cancelled = test::answerNextMessageBox(this, "Cancel", "storage-restore-question");
        pane_->restoreBackup(id);
        QTRY_VERIFY_WITH_TIMEOUT(cancelled->seen, 5000);
        QVERIFY2(cancelled->text.contains("/workspace/project"), qPrintable(cancelled->text));
        // It says that what the backup left out goes too.
        QVERIFY2(cancelled->text.contains("left out (*.tmp, node_modules) is removed too"), qPrintable(cancelled->text));
        QVERIFY(cancelled->plainText); // names from the sandbox are never markup there
        QCOMPARE(run("cat /workspace/project/notes.txt").trimmed(), QString("version-two"));
        QSignalSpy restored(pane_.get(), &ui::StoragePane::restoreFinished);
        auto answered = test::answerNextMessageBox(this, "Restore");
        pane_->restoreBackup(id);
        QTRY_VERIFY_WITH_TIMEOUT(!restored.isEmpty(), 30000);
        QVERIFY2(restored.first().at(1).toBool(), qPrintable(pane_->banner()->text()));
        QCOMPARE(run("cat /workspace/project/notes.txt").trimmed(), QString("version-one"));
        // Onto a bucket's mount path: refused at once, without a question.
        pane_->restoreBackup(id, "/workspace/gui-bucket");
        QVERIFY(!QApplication::activeModalWidget());
        QVERIFY2(pane_->banner()->text().contains("/workspace/gui-bucket is where the bucket gui-bucket is mounted"),
                 qPrintable(pane_->banner()->text()));
        // Into a folder that is not there yet: nothing to lose, so no question.
        restored.clear();
        pane_->restoreBackup(id, "/workspace/fresh-copy");
        QTRY_VERIFY_WITH_TIMEOUT(!restored.isEmpty(), 30000);
        QVERIFY(!QApplication::activeModalWidget());
        QCOMPARE(run("cat /workspace/fresh-copy/notes.txt").trimmed(), QString("version-one"));
        // Into a new folder inside a bucket: it asks, as what is restored goes to the bucket.
        auto intoBucket = test::answerNextMessageBox(this, "Cancel", "storage-restore-into-bucket");
        pane_->restoreBackup(id, "/workspace/gui-bucket/restored");
        QTRY_VERIFY_WITH_TIMEOUT(intoBucket->seen, 5000);
        QVERIFY2(intoBucket->text.contains("Restore the backup of /workspace/project into /workspace/gui-bucket/restored?"),
                 qPrintable(intoBucket->text));
        QVERIFY2(intoBucket->text.contains("inside the bucket gui-bucket: what is restored is uploaded to the bucket"),
                 qPrintable(intoBucket->text));
        // Over a folder with a bucket below it: it says that the bucket stays mounted.
        auto overBucket = test::answerNextMessageBox(this, "Cancel");
        pane_->restoreBackup(id, "/workspace");
        QTRY_VERIFY_WITH_TIMEOUT(overBucket->seen, 5000);
        QVERIFY2(overBucket->text.contains("Buckets mounted below it stay mounted: gui-bucket at /workspace/gui-bucket."),
                 qPrintable(overBucket->text));
        QVERIFY(!overBucket->text.contains("uploaded"));

        // Downloaded, imported back as a second backup, deleted.
        QTemporaryDir saved;
        pane_->chooseSavePath = [&saved](const QString &suggested) {
            return saved.filePath(QFileInfo(suggested).fileName());
        };
        pane_->backupList()->setCurrentItem(pane_->backupList()->topLevelItem(0));
        for (QAction *action : pane_->backupList()->actions())
            if (action->text() == "Download…")
                action->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(saved.filePath("before-the-edit.sqsh")), 10000);
        QFile archive(saved.filePath("before-the-edit.sqsh"));
        QVERIFY(archive.open(QIODevice::ReadOnly));
        QCOMPARE(archive.read(4), QByteArray("hsqs"));
        archive.close();
        // As if made long ago: the header's time says when (mkfs_time, little-endian at 8).
        const QDateTime longAgo = QDateTime(QDate(2025, 1, 2), QTime(3, 4), Qt::UTC);
        QVERIFY(archive.open(QIODevice::ReadWrite));
        archive.seek(8);
        const quint32 seconds = qToLittleEndian(static_cast<quint32>(longAgo.toSecsSinceEpoch()));
        archive.write(reinterpret_cast<const char *>(&seconds), 4);
        archive.close();
        // Imported back: named after the file, and the one selected.
        pane_->chooseArchive = [&saved] { return saved.filePath("before-the-edit.sqsh"); };
        for (QAction *action : pane_->findChildren<QAction *>())
            if (action->text() == "Import…")
                action->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(pane_->backupList()->topLevelItemCount(), 2, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(pane_->backupList()->currentItem()->text(0), QString("before-the-edit"), 5000);
        // Made when the archive was made; imported now, as its tooltip says.
        QCOMPARE(pane_->backupList()->currentItem()->text(2),
                 QLocale().toString(longAgo.toLocalTime(), QLocale::ShortFormat));
        QVERIFY(pane_->backupList()->currentItem()->toolTip(2).startsWith("Imported "));
        const QString imported = pane_->backupList()->currentItem()->data(0, Qt::UserRole).toString();
        QVERIFY(imported != id);
        pane_->deleteBackup(imported, false);
        pane_->deleteBackup(id, false);
        QTRY_COMPARE_WITH_TIMEOUT(pane_->backupList()->topLevelItemCount(), 0, 5000);
    }

    void unmountingTakesItOffTheList()
    {
        pane_->unmountBucket("/workspace/gui-bucket", false);
        QTRY_COMPARE_WITH_TIMEOUT(stateOf("/workspace/gui-bucket"), QString(), 10000);
        QCOMPARE(run("test -e /workspace/gui-bucket && echo still-there || echo gone").trimmed(), QString("gone"));
    }

    // Stopped: what would run in the sandbox waits (the engine would start it unasked), the
    // banner says so and offers Start; the lists and imports stay.
    void aStoppedSandboxIsNotStartedByThePane()
    {
        auto action = [this](const QString &text) {
            for (QAction *candidate : pane_->findChildren<QAction *>())
                if (candidate->text() == text)
                    return candidate;
            return static_cast<QAction *>(nullptr);
        };
        QSignalSpy start(pane_.get(), &ui::SandboxPane::startRequested);
        pane_->setSandboxStatus("stopped");
        QVERIFY(!action("Back Up Folder…")->isEnabled());
        QVERIFY(!action("Mount Bucket…")->isEnabled());
        QVERIFY(action("Import…")->isEnabled());
        QVERIFY(pane_->banner()->isVisible());
        QVERIFY2(pane_->banner()->text().startsWith("The sandbox is not running."), qPrintable(pane_->banner()->text()));
        QTest::qWait(100);
        QVERIFY(test::saveScreenshot(pane_.get(), "storage-pane-stopped"));
        for (QPushButton *button : pane_->banner()->findChildren<QPushButton *>())
            if (button->text() == "Start")
                button->click();
        QCOMPARE(start.count(), 1);
        pane_->setSandboxStatus("running");
        QVERIFY(action("Back Up Folder…")->isEnabled());
        QVERIFY(pane_->banner()->isHidden());
        // The banner shows text as it is: a name with markup is never rendered.
        pane_->banner()->showError("Could not restore into /workspace/x<img width=20000 height=20000>\nmore");
        for (QLabel *label : pane_->banner()->findChildren<QLabel *>())
            QCOMPARE(label->textFormat(), Qt::PlainText);
        pane_->banner()->hide();
    }
};

QTEST_MAIN(StoragePaneTest)
#include "StoragePaneTest.moc"
