// One file of the sandbox opened in a tab: text in a CodeEditor (saved with
// Ctrl+S through /api/write), images shown as images, other binary files
// described by size and type. A change made inside the sandbox reloads the
// text when there are no unsaved edits, and asks (in a banner) otherwise.
#pragma once

#include <QWidget>

class QLabel;
class QTabWidget;
class QScrollArea;
class QStackedWidget;

namespace sandbench::ui {

class CodeEditor;
class EngineClient;
class MessageBanner;

class FileEditor : public QWidget {
    Q_OBJECT
public:
    FileEditor(EngineClient *client, const QString &sandboxId, const QString &path, QWidget *parent = nullptr);

    QString path() const { return path_; }
    QString title() const;           // the file name, with "*" when there are unsaved edits
    bool isModified() const;
    bool isText() const;
    CodeEditor *codeEditor() const { return editor_; }

    void reload();
    // Writes the text back into the sandbox (Ctrl+S); once detached, saves to this computer.
    void save();
    // Writes a copy of the text to a file on this computer, chosen in a dialog (Ctrl+Shift+S);
    // localPath skips the dialog. False when nothing was written.
    bool saveToComputer(const QString &localPath = {});
    // The sandbox is gone (destroyed): the text stays, saving goes to this computer.
    void detach(const QString &reason);
    // Events from the watch stream.
    void changedInSandbox();
    void renamedTo(const QString &path);
    void removedInSandbox();

signals:
    void titleChanged();
    void loaded();
    void saved();
    void failed(const QString &message);

private:
    void showText(const QString &text);
    void showBinary(const QByteArray &bytes, const QString &mimeType, qint64 size);
    void showProblem(const QString &text);

    EngineClient *client_;
    QString sandbox_;
    QString path_;
    QStackedWidget *pages_;
    QLabel *status_;       // loading, too large, binary description
    CodeEditor *editor_;
    QScrollArea *imageArea_;
    QLabel *image_;
    MessageBanner *banner_;
    bool text_ = false;
    bool saving_ = false;
    bool detached_ = false;
};

// The editors among tabs' pages whose text has changes not written anywhere.
QList<FileEditor *> unsavedEditorsIn(const QTabWidget *tabs);

} // namespace sandbench::ui
