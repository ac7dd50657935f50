#include "panes/files/FileEditor.h"

#include "client/SandboxApi.h"
#include "widgets/CodeEditor.h"
#include "widgets/MessageBanner.h"

#include <QDir>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QImage>
#include <QLabel>
#include <QLocale>
#include <QPixmap>
#include <QPushButton>
#include <QSaveFile>
#include <QScrollArea>
#include <QShortcut>
#include <QStackedWidget>
#include <QTabWidget>
#include <QVBoxLayout>

#include <Qsci/qsciscintilla.h>

namespace sandbench::ui {

FileEditor::FileEditor(EngineClient *client, const QString &sandboxId, const QString &path, QWidget *parent)
    : QWidget(parent), client_(client), sandbox_(sandboxId), path_(path), pages_(new QStackedWidget(this)),
      status_(new QLabel(this)), editor_(new CodeEditor(this)), imageArea_(new QScrollArea(this)),
      image_(new QLabel(this)), banner_(new MessageBanner(this))
{
    status_->setAlignment(Qt::AlignCenter);
    status_->setWordWrap(true);
    status_->setTextFormat(Qt::PlainText); // names the sandbox's file
    status_->setMargin(24);
    image_->setAlignment(Qt::AlignCenter);
    imageArea_->setWidget(image_);
    imageArea_->setWidgetResizable(true);
    imageArea_->setAlignment(Qt::AlignCenter);
    pages_->addWidget(status_);
    pages_->addWidget(editor_);
    pages_->addWidget(imageArea_);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(banner_);
    layout->addWidget(pages_, 1);
    connect(editor_, &CodeEditor::saveRequested, this, &FileEditor::save);
    auto *reloadShortcut = new QShortcut(QKeySequence::Refresh, this, [this] {
        banner_->hide();
        editor_->setModified(false); // the user chose the sandbox's version
        reload();
    });
    reloadShortcut->setContext(Qt::WidgetWithChildrenShortcut);
    auto *saveAsShortcut = new QShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S), this, [this] { saveToComputer(); });
    saveAsShortcut->setContext(Qt::WidgetWithChildrenShortcut);
    connect(editor_, &CodeEditor::modificationChanged, this, &FileEditor::titleChanged);
    reload();
}

QString FileEditor::title() const
{
    const QString name = path_.mid(path_.lastIndexOf('/') + 1);
    return isModified() ? name + QStringLiteral(" *") : name;
}

bool FileEditor::isModified() const
{
    return text_ && editor_->isModified();
}

bool FileEditor::isText() const
{
    return text_;
}

void FileEditor::reload()
{
    if (!text_) {
        status_->setText(tr("Loading %1…").arg(path_));
        pages_->setCurrentWidget(status_);
    }
    const QString requested = path_;
    SandboxApi(client_, sandbox_).read(path_, this, [this, requested](const ApiResult &result) {
        if (requested != path_)
            return; // renamed meanwhile; the new path loads on its own
        if (!result.ok()) {
            if (result.errorCode == "FILE_TOO_LARGE")
                showProblem(tr("%1 is too large to open here. Download it instead.").arg(path_));
            else
                showProblem(tr("Could not open %1: %2").arg(path_, result.errorMessage));
            emit failed(result.errorMessage);
            return;
        }
        const QString content = result.body.value("content").toString();
        if (result.body.value("encoding").toString() == "base64")
            showBinary(QByteArray::fromBase64(content.toLatin1()), result.body.value("mimeType").toString(),
                       result.body.value("size").toInteger());
        else
            showText(content);
        emit loaded();
    });
}

void FileEditor::showText(const QString &text)
{
    if (text_ && text == editor_->text()) {
        editor_->setModified(false);
        return; // our own save coming back, or no real change: keep the cursor where it is
    }
    int line = 0, index = 0;
    editor_->scintilla()->getCursorPosition(&line, &index);
    const int firstVisible = editor_->scintilla()->firstVisibleLine();
    const bool wasText = text_;
    editor_->setText(text, path_);
    if (wasText) {
        editor_->scintilla()->setCursorPosition(line, index);
        editor_->scintilla()->setFirstVisibleLine(firstVisible);
    }
    text_ = true;
    pages_->setCurrentWidget(editor_);
    emit titleChanged();
}

void FileEditor::showBinary(const QByteArray &bytes, const QString &mimeType, qint64 size)
{
    text_ = false;
    QImage picture;
    if (mimeType.startsWith("image/") && picture.loadFromData(bytes)) {
        image_->setPixmap(QPixmap::fromImage(picture));
        image_->setToolTip(tr("%1 × %2 pixels, %3").arg(picture.width()).arg(picture.height()).arg(mimeType));
        pages_->setCurrentWidget(imageArea_);
    } else {
        status_->setText(tr("%1\n\nBinary file: %2, %3. It is not opened as text.")
                             .arg(path_, QLocale().formattedDataSize(size, 1, QLocale::DataSizeIecFormat), mimeType.isEmpty() ? tr("unknown type") : mimeType));
        pages_->setCurrentWidget(status_);
    }
    emit titleChanged();
}

void FileEditor::showProblem(const QString &text)
{
    if (text_) {
        banner_->showError(text); // keep the text the user may be editing
        return;
    }
    status_->setText(text);
    pages_->setCurrentWidget(status_);
}

bool FileEditor::saveToComputer(const QString &localPath)
{
    if (!text_)
        return false;
    const QString name = path_.mid(path_.lastIndexOf('/') + 1);
    const QString target = !localPath.isEmpty()
                               ? localPath
                               : QFileDialog::getSaveFileName(this, tr("Save a Copy on This Computer"),
                                                              QDir::homePath() + '/' + name);
    if (target.isEmpty())
        return false;
    QSaveFile file(target);
    if (!file.open(QIODevice::WriteOnly) || file.write(editor_->text().toUtf8()) < 0 || !file.commit()) {
        banner_->showError(tr("Could not write %1: %2").arg(target, file.errorString()));
        return false;
    }
    if (detached_) {
        editor_->setModified(false); // the only place it can be kept now
        emit titleChanged();
    }
    banner_->showInfo(tr("A copy of %1 was saved to %2.").arg(name, target));
    return true;
}

void FileEditor::detach(const QString &reason)
{
    detached_ = true;
    banner_->showInfo(reason + ' ' + tr("Ctrl+S saves a copy on this computer."));
}

void FileEditor::save()
{
    if (detached_) {
        saveToComputer();
        return;
    }
    if (!text_ || saving_)
        return;
    saving_ = true;
    const QString content = editor_->text();
    SandboxApi(client_, sandbox_).write(path_, content, this,
                        [this, content](const ApiResult &result) {
        saving_ = false;
        if (!result.ok()) {
            if (result.errorCode == "SANDBOX_NOT_RUNNING")
                banner_->showError(tr("Could not save %1: the sandbox is not running. Start it and press Ctrl+S "
                                      "again, or press Ctrl+Shift+S to save a copy on this computer.").arg(path_));
            else
                banner_->showError(tr("Could not save %1: %2").arg(path_, result.errorMessage));
            emit failed(result.errorMessage);
            return;
        }
        if (editor_->text() == content)
            editor_->setModified(false);
        banner_->hide();
        emit saved();
        emit titleChanged();
    });
}

QList<FileEditor *> unsavedEditorsIn(const QTabWidget *tabs)
{
    QList<FileEditor *> unsaved;
    for (int tab = 0; tab < tabs->count(); ++tab)
        if (auto *editor = qobject_cast<FileEditor *>(tabs->widget(tab)); editor && editor->isModified())
            unsaved << editor;
    return unsaved;
}

void FileEditor::changedInSandbox()
{
    if (saving_)
        return;
    if (!isModified()) {
        reload();
        return;
    }
    // Unsaved edits here and a change there: the user decides, without a modal dialog.
    banner_->showInfo(tr("%1 changed in the sandbox. Press F5 to load that version (your edits are lost), "
                         "or Ctrl+S to keep yours.").arg(path_));
}

void FileEditor::renamedTo(const QString &path)
{
    path_ = path;
    emit titleChanged();
}

void FileEditor::removedInSandbox()
{
    banner_->showInfo(tr("%1 was deleted in the sandbox. Ctrl+S writes it again.").arg(path_));
    if (text_)
        editor_->setModified(true);
    emit titleChanged();
}

} // namespace sandbench::ui
