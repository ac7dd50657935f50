<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE" sourcelanguage="en">
<context>
    <name>Confirm</name>
    <message>
        <source>%1 already exists. Replace it?</source>
        <translation>%1 gibt es schon. Ersetzen?</translation>
    </message>
    <message>
        <source>%1 items already exist. Replace them?</source>
        <translation>%1 Einträge gibt es schon. Ersetzen?</translation>
    </message>
    <message>
        <source>Replace</source>
        <translation>Ersetzen</translation>
    </message>
    <message>
        <source>Files of the same name are overwritten; a folder keeps its other files.</source>
        <translation>Gleichnamige Dateien werden überschrieben; ein Ordner behält seine übrigen Dateien.</translation>
    </message>
    <message>
        <source>Skip Existing</source>
        <translation>Vorhandene überspringen</translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <source>Cannot read the token file %1: %2</source>
        <translation>Die Token-Datei %1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>Sandbench</source>
        <translation>Sandbench</translation>
    </message>
    <message>
        <source>Local, isolated sandboxes: the Sandbench workbench.</source>
        <translation>Lokale, isolierte Sandboxen: die Sandbench-Werkbank.</translation>
    </message>
    <message>
        <source>Connect to the engine at URL instead of starting one.</source>
        <translation>Mit der Engine unter URL verbinden, statt eine zu starten.</translation>
    </message>
    <message>
        <source>The engine&apos;s token (or its engine.json), with --engine.</source>
        <translation>Das Token der Engine (oder ihre engine.json), zusammen mit --engine.</translation>
    </message>
    <message>
        <source>Where engine.json is written (default: the XDG runtime directory).</source>
        <translation>Ort der engine.json (Vorgabe: das XDG-Laufzeitverzeichnis).</translation>
    </message>
    <message>
        <source>The token file is empty.</source>
        <translation>Die Token-Datei ist leer.</translation>
    </message>
    <message>
        <source>sandbenchd at %1</source>
        <translation>sandbenchd unter %1</translation>
    </message>
    <message>
        <source>The engine could not start: %1</source>
        <translation>Die Engine konnte nicht starten: %1</translation>
    </message>
    <message>
        <source>embedded, at %1</source>
        <translation>eingebettet, unter %1</translation>
    </message>
    <message>
        <source>The working directory must be an absolute path.</source>
        <translation>Das Arbeitsverzeichnis muss ein absoluter Pfad sein.</translation>
    </message>
    <message>
        <source>&amp;Working directory:</source>
        <translation>&amp;Arbeitsverzeichnis:</translation>
    </message>
    <message>
        <source>&amp;Environment:</source>
        <translation>&amp;Umgebung:</translation>
    </message>
    <message>
        <source>Choose Another Folder…</source>
        <translation>Anderen Ordner wählen …</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Beenden</translation>
    </message>
    <message>
        <source>Folder for Sandboxes</source>
        <translation>Ordner für Sandboxen</translation>
    </message>
    <message numerus="yes">
        <source>{%n keys}</source>
        <translation>
            <numerusform>{%n Schlüssel}</numerusform>
            <numerusform>{%n Schlüssel}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>[%n items]</source>
        <translation>
            <numerusform>[%n Eintrag]</numerusform>
            <numerusform>[%n Einträge]</numerusform>
        </translation>
    </message>
    <message>
        <source>JavaScript</source>
        <translation>JavaScript</translation>
    </message>
    <message>
        <source>TypeScript</source>
        <translation>TypeScript</translation>
    </message>
    <message>
        <source>Python</source>
        <translation>Python</translation>
    </message>
    <message>
        <source>Values</source>
        <translation>Werte</translation>
    </message>
    <message>
        <source>row %1, column %2: %3</source>
        <translation>Zeile %1, Spalte %2: %3</translation>
    </message>
    <message>
        <source>Outliers</source>
        <translation>Ausreißer</translation>
    </message>
    <message>
        <source>%1
max %2
Q3 %3
median %4
Q1 %5
min %6</source>
        <translation>%1
Max. %2
Q3 %3
Median %4
Q1 %5
Min. %6</translation>
    </message>
    <message>
        <source>%1
bin %2–%3: %4</source>
        <translation>%1
Klasse %2–%3: %4</translation>
    </message>
    <message>
        <source>values %1 to %2</source>
        <translation>Werte %1 bis %2</translation>
    </message>
    <message>
        <source>Where sandboxes live, and this window&apos;s settings (default: the XDG data directory).</source>
        <translation>Wo die Sandboxen liegen, und die Einstellungen dieses Fensters (Standard: das XDG-Datenverzeichnis).</translation>
    </message>
</context>
<context>
    <name>sandbench::ui::CellView</name>
    <message>
        <source>Run</source>
        <translation>Ausführen</translation>
    </message>
    <message>
        <source>Run this cell (Ctrl+Enter; Shift+Enter runs and moves to the next)</source>
        <translation>Diese Zelle ausführen (Strg+Eingabe; Umschalt+Eingabe führt aus und geht zur nächsten)</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <source>Remove this cell</source>
        <translation>Diese Zelle entfernen</translation>
    </message>
    <message>
        <source>Markdown</source>
        <translation>Markdown</translation>
    </message>
    <message>
        <source>Raw</source>
        <translation>Roh</translation>
    </message>
    <message>
        <source>Traceback</source>
        <translation>Traceback</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>Schlüssel</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <source>The context&apos;s count of runs when this cell last ran; [*] while it runs</source>
        <translation>Der Ausführungszähler des Kontexts beim letzten Lauf dieser Zelle; [*] während sie läuft</translation>
    </message>
    <message>
        <source>
[the notebook keeps no more of this cell&apos;s output]
</source>
        <translation>
[das Notebook behält nicht mehr von der Ausgabe dieser Zelle]
</translation>
    </message>
    <message>
        <source>%1 earlier lines are not shown here; the notebook keeps them</source>
        <translation>%1 frühere Zeilen werden hier nicht gezeigt; das Notebook behält sie</translation>
    </message>
</context>
<context>
    <name>sandbench::ui::ChartView</name>
    <message>
        <source>Show picture</source>
        <translation>Bild zeigen</translation>
    </message>
    <message>
        <source>Wheel or drag to zoom, double-click to reset</source>
        <translation>Mausrad oder Ziehen zum Zoomen, Doppelklick zum Zurücksetzen</translation>
    </message>
    <message>
        <source>Show chart</source>
        <translation>Diagramm zeigen</translation>
    </message>
    <message>
        <source>Switch between this chart and the picture matplotlib drew</source>
        <translation>Zwischen diesem Diagramm und dem Bild von matplotlib wechseln</translation>
    </message>
</context>
<context>
    <name>sandbench::ui::CodeEditor</name>
    <message>
        <source>Find</source>
        <translation>Suchen</translation>
    </message>
    <message>
        <source>Previous match (Shift+F3)</source>
        <translation>Vorheriger Treffer (Umschalt+F3)</translation>
    </message>
    <message>
        <source>Next match (F3)</source>
        <translation>Nächster Treffer (F3)</translation>
    </message>
    <message>
        <source>Close (Escape)</source>
        <translation>Schließen (Esc)</translation>
    </message>
</context>
<context>
    <name>sandbench::ui::CommandLog</name>
    <message>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation>%1 min %2 s</translation>
    </message>
    <message>
        <source>$ %1    [%2, %3]</source>
        <translation>$ %1    [%2, %3]</translation>
    </message>
    <message>
        <source>exit %1 · %2</source>
        <translation>Exit %1 · %2</translation>
    </message>
    <message>
        <source>did not complete · %1 · %2</source>
        <translation>nicht beendet · %1 · %2</translation>
    </message>
    <message>
        <source>[… %1 characters of output skipped to keep up …]</source>
        <translation>[… %1 Zeichen der Ausgabe übersprungen, um Schritt zu halten …]</translation>
    </message>
    <message>
        <source>Earlier output was trimmed: the log keeps the last %1 lines.</source>
        <translation>Ältere Ausgaben wurden gekürzt: das Protokoll behält die letzten %1 Zeilen.</translation>
    </message>
    <message>
        <source>Find (Enter: next, Shift+Enter: previous)</source>
        <translation>Suchen (Eingabe: weiter, Umschalt+Eingabe: zurück)</translation>
    </message>
    <message>
        <source>Find…</source>
        <translation>Suchen …</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>Leeren</translation>
    </message>
    <message>
        <source>[… earlier output of this command was trimmed …]</source>
        <translation>[… frühere Ausgabe dieses Befehls wurde gekürzt …]</translation>
    </message>
</context>
<context>
    <name>sandbench::ui::CommandsPane</name>
    <message>
        <source>Waiting: session %1 is running an earlier command (from another client); this one starts when it ends. Stop cancels it.</source>
        <translation>Warten: Sitzung %1 führt noch einen früheren Befehl aus (von einem anderen Client); dieser beginnt, wenn jener endet. „Stopp“ bricht ihn ab.</translation>
    </message>
    <message>
        <source>This sandbox is not running. Start it to run commands.</source>
        <translation>Diese Sandbox läuft nicht. Starten Sie sie, um Befehle auszuführen.</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>Ausführen</translation>
    </message>
    <message>
        <source>The shell the commands run in: each session keeps its own directory and environment</source>
        <translation>Die Shell, in der die Befehle laufen: jede Sitzung behält ihr eigenes Verzeichnis und ihre Umgebung</translation>
    </message>
    <message>
        <source>New Session…</source>
        <translation>Neue Sitzung …</translation>
    </message>
    <message>
        <source>Delete Session</source>
        <translation>Sitzung löschen</translation>
    </message>
    <message>
        <source>S&amp;ession:</source>
        <translation>S&amp;itzung:</translation>
    </message>
    <message>
        <source>Command to run in the session, e.g. ls -la (Enter runs, Up/Down for history)</source>
        <translation>Befehl für die Sitzung, z. B. ls -la (Eingabe führt aus, Auf/Ab für den Verlauf)</translation>
    </message>
    <message>
        <source>Background processes</source>
        <translation>Hintergrundprozesse</translation>
    </message>
    <message>
        <source>Start…</source>
        <translation>Starten …</translation>
    </message>
    <message>
        <source>Follow Logs</source>
        <translation>Ausgabe verfolgen</translation>
    </message>
    <message>
        <source>Kill</source>
        <translation>Beenden erzwingen</translation>
    </message>
    <message>
        <source>Kill All</source>
        <translation>Alle zwangsweise beenden</translation>
    </message>
    <message>
        <source>Double-click a process to follow its output here.</source>
        <translation>Doppelklicken Sie auf einen Prozess, um seine Ausgabe hier zu verfolgen.</translation>
    </message>
    <message>
        <source>Output of the commands you run appears here, one block per command.</source>
        <translation>Die Ausgabe Ihrer Befehle erscheint hier, ein Block pro Befehl.</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Stopp</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>gestoppt</translation>
    </message>
    <message>
        <source>Could not create the session: %1</source>
        <translation>Die Sitzung konnte nicht angelegt werden: %1</translation>
    </message>
    <message>
        <source>Could not delete the session %1: %2</source>
        <translation>Die Sitzung %1 konnte nicht gelöscht werden: %2</translation>
    </message>
    <message>
        <source>Could not start the process: %1</source>
        <translation>Der Prozess konnte nicht gestartet werden: %1</translation>
    </message>
    <message>
        <source>Output of %1:</source>
        <translation>Ausgabe von %1:</translation>
    </message>
    <message>
        <source>$ %1</source>
        <translation>$ %1</translation>
    </message>
    <message>
        <source>The log stream ended: %1</source>
        <translation>Der Ausgabestrom wurde beendet: %1</translation>
    </message>
    <message>
        <source>Could not kill %1: %2</source>
        <translation>%1 konnte nicht zwangsweise beendet werden: %2</translation>
    </message>
    <message>
        <source>Could not kill the processes: %1</source>
        <translation>Die Prozesse konnten nicht zwangsweise beendet werden: %1</translation>
    </message>
    <message>
        <source>Delete the session &quot;%1&quot;?</source>
        <translation>Sitzung „%1“ löschen?</translation>
    </message>
    <message>
        <source>Its shell and its background processes end.</source>
        <translation>Ihre Shell und ihre Hintergrundprozesse werden beendet.</translation>
    </message>
    <message>
        <source>Kill every running background process of this sandbox?</source>
        <translation>Alle laufenden Hintergrundprozesse dieser Sandbox zwangsweise beenden?</translation>
    </message>
    <message>
        <source>Show streamed commands</source>
        <translation>Gestreamte Befehle zeigen</translation>
    </message>
    <message>
        <source>Also list the commands streamed by sandbenchctl exec or an SDK&apos;s execStream (shown in italics); they are not background processes</source>
        <translation>Auch die Befehle auflisten, die sandbenchctl exec oder execStream eines SDK gestreamt hat (kursiv); sie sind keine Hintergrundprozesse</translation>
    </message>
    <message>
        <source>The sandbox started again: %1 belonged to its earlier run. Double-click a process to follow it.</source>
        <translation>Die Sandbox wurde neu gestartet: %1 gehörte zu ihrem früheren Lauf. Doppelklicken Sie auf einen Prozess, um ihm zu folgen.</translation>
    </message>
    <message>
        <source>Open Terminal Here</source>
        <translation>Terminal hier öffnen</translation>
    </message>
    <message>
        <source>A terminal on this session, in the Terminal pane: a new one starts in the session&apos;s directory with its variables; one already open keeps its own</source>
        <translation>Ein Terminal auf dieser Sitzung, im Bereich Terminal: Ein neues startet im Verzeichnis der Sitzung mit ihren Variablen; ein bereits geöffnetes behält seine eigenen</translation>
    </message>
</context>
<context>
    <name>sandbench::ui::EnvironmentTable</name>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>Hinzufügen</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a valid variable name.</source>
        <translation>„%1“ ist kein gültiger Variablenname.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is set twice: keep one.</source>
        <translation>„%1“ ist doppelt gesetzt: behalten Sie einen Eintrag.</translation>
    </message>
</context>
<context>
    <name>sandbench::ui::EventStream</name>
    <message>
        <source>The engine closed the connection</source>
        <translation>Die Engine hat die Verbindung geschlossen</translation>
    </message>
    <message>
        <source>No answer from the engine</source>
        <translation>Keine Antwort von der Engine</translation>
    </message>
    <message>
        <source>HTTP status %1</source>
        <translation>HTTP-Status %1</translation>
    </message>
</context>
<context>
    <name>sandbench::ui::FileEditor</name>
    <message>
        <source>Loading %1…</source>
        <translation>%1 wird geladen …</translation>
    </message>
    <message>
        <source>%1 is too large to open here. Download it instead.</source>
        <translation>%1 ist zu groß, um hier geöffnet zu werden. Laden Sie die Datei stattdessen herunter.</translation>
    </message>
    <message>
        <source>Could not open %1: %2</source>
        <translation>%1 konnte nicht geöffnet werden: %2</translation>
    </message>
    <message>
        <source>%1 × %2 pixels, %3</source>
        <translation>%1 × %2 Pixel, %3</translation>
    </message>
    <message>
        <source>%1

Binary file: %2, %3. It is not opened as text.</source>
        <translation>%1

Binärdatei: %2, %3. Sie wird nicht als Text geöffnet.</translation>
    </message>
    <message>
        <source>unknown type</source>
        <translation>unbekannter Typ</translation>
    </message>
    <message>
        <source>Could not save %1: %2</source>
        <translation>%1 konnte nicht gespeichert werden: %2</translation>
    </message>
    <message>
        <source>%1 changed in the sandbox. Press F5 to load that version (your edits are lost), or Ctrl+S to keep yours.</source>
        <translation>%1 wurde in der Sandbox geändert. F5 lädt diese Fassung (Ihre Änderungen gehen verloren), Strg+S behält Ihre.</translation>
    </message>
    <message>
        <source>%1 was deleted in the sandbox. Ctrl+S writes it again.</source>
        <translation>%1 wurde in der Sandbox gelöscht. Strg+S schreibt die Datei erneut.</translation>
    </message>
    <message>
        <source>Save a Copy on This Computer</source>
        <translation>Kopie auf diesem Rechner speichern</translation>
    </message>
    <message>
        <source>Could not write %1: %2</source>
        <translation>%1 konnte nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <source>A copy of %1 was saved to %2.</source>
        <translation>Eine Kopie von %1 wurde unter %2 gespeichert.</translation>
    </message>
    <message>
        <source>Ctrl+S saves a copy on this computer.</source>
        <translation>Strg+S speichert eine Kopie auf diesem Rechner.</translation>
    </message>
    <message>
        <source>Could not save %1: the sandbox is not running. Start it and press Ctrl+S again, or press Ctrl+Shift+S to save a copy on this computer.</source>
        <translation>%1 konnte nicht gespeichert werden: Die Sandbox läuft nicht. Starten Sie sie und drücken Sie erneut Strg+S, oder speichern Sie mit Strg+Umschalt+S eine Kopie auf diesem Rechner.</translation>
    </message>
</context>
<context>
    <name>sandbench::ui::FileTreeModel</name>
    <message>
        <source>%1 (symbolic link)</source>
        <translation>%1 (symbolische Verknüpfung)</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <source>Modified</source>
        <translation>Geändert</translation>
    </message>
    <message>
        <source>Permissions</source>
        <translation>Rechte</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a valid name.</source>
        <translation>„%1“ ist kein gültiger Name.</translation>
    </message>
    <message>
        <source>Could not rename %1: %2</source>
        <translation>%1 konnte nicht umbenannt werden: %2</translation>
    </message>
    <message>
        <source>Could not list %1: %2</source>
        <translation>%1 konnte nicht aufgelistet werden: %2</translation>
    </message>
    <message>
        <source>Could not move %1: %2</source>
        <translation>%1 konnte nicht verschoben werden: %2</translation>
    </message>
    <message>
        <source>%1 (a bucket is mounted here)</source>
        <translation>%1 (hier ist ein Bucket eingehängt)</translation>
    </message>
</context>
<context>
    <name>sandbench::ui::FilesPane</name>
    <message>
        <source>Files</source>
        <translation>Dateien</translation>
    </message>
    <message>
        <source>Double-click a file to open it.</source>
        <translation>Doppelklicken Sie auf eine Datei, um sie zu öffnen.</translation>
    </message>
    <message>
        <source>This sandbox is not running. Start it to browse its files.</source>
        <translation>Diese Sandbox läuft nicht. Starten Sie sie, um ihre Dateien zu sehen.</translation>
    </message>
    <message>
        <source>New &amp;File…</source>
        <translation>Neue &amp;Datei …</translation>
    </message>
    <message>
        <source>New F&amp;older…</source>
        <translation>Neuer &amp;Ordner …</translation>
    </message>
    <message>
        <source>&amp;Rename</source>
        <translation>&amp;Umbenennen</translation>
    </message>
    <message>
        <source>&amp;Delete…</source>
        <translation>&amp;Löschen …</translation>
    </message>
    <message>
        <source>&amp;Upload…</source>
        <translation>&amp;Hochladen …</translation>
    </message>
    <message>
        <source>Do&amp;wnload…</source>
        <translation>&amp;Herunterladen …</translation>
    </message>
    <message>
        <source>Re&amp;fresh</source>
        <translation>&amp;Aktualisieren</translation>
    </message>
    <message>
        <source>The live view of the files stopped: %1</source>
        <translation>Die Live-Ansicht der Dateien wurde beendet: %1</translation>
    </message>
    <message>
        <source>Unsaved Changes</source>
        <translation>Ungespeicherte Änderungen</translation>
    </message>
    <message>
        <source>Save the changes to %1 before closing?</source>
        <translation>Änderungen an %1 vor dem Schließen speichern?</translation>
    </message>
    <message>
        <source>New File</source>
        <translation>Neue Datei</translation>
    </message>
    <message>
        <source>Name of the new file in %1:</source>
        <translation>Name der neuen Datei in %1:</translation>
    </message>
    <message>
        <source>Could not create %1: %2</source>
        <translation>%1 konnte nicht angelegt werden: %2</translation>
    </message>
    <message>
        <source>New Folder</source>
        <translation>Neuer Ordner</translation>
    </message>
    <message>
        <source>Name of the new folder in %1:</source>
        <translation>Name des neuen Ordners in %1:</translation>
    </message>
    <message numerus="yes">
        <source>%n items</source>
        <translation>
            <numerusform>%n Eintrag</numerusform>
            <numerusform>%n Einträge</numerusform>
        </translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Löschen</translation>
    </message>
    <message>
        <source>Could not delete %1: %2</source>
        <translation>%1 konnte nicht gelöscht werden: %2</translation>
    </message>
    <message>
        <source>%1 → %2</source>
        <translation>%1 → %2</translation>
    </message>
    <message>
        <source>Upload Files</source>
        <translation>Dateien hochladen</translation>
    </message>
    <message>
        <source>Download</source>
        <translation>Herunterladen</translation>
    </message>
    <message>
        <source>Download Into</source>
        <translation>Herunterladen nach</translation>
    </message>
    <message>
        <source>Could not download %1: the folder %2 cannot be created here.</source>
        <translation>%1 konnte nicht heruntergeladen werden: Der Ordner %2 kann hier nicht angelegt werden.</translation>
    </message>
    <message>
        <source>Could not create %1 here, so what is in it was not downloaded.</source>
        <translation>%1 konnte hier nicht angelegt werden; sein Inhalt wurde nicht heruntergeladen.</translation>
    </message>
    <message>
        <source>Could not list %1: %2</source>
        <translation>%1 konnte nicht aufgelistet werden: %2</translation>
    </message>
    <message>
        <source>The sandbox is not running. Start it to browse and save its files; open files stay here (Ctrl+Shift+S saves a copy on this computer).</source>
        <translation>Die Sandbox läuft nicht. Starten Sie sie, um ihre Dateien zu sehen und zu speichern; geöffnete Dateien bleiben hier (Strg+Umschalt+S speichert eine Kopie auf diesem Rechner).</translation>
    </message>
    <message>
        <source>Could not check %1: %2</source>
        <translation>%1 konnte nicht geprüft werden: %2</translation>
    </message>
    <message>
        <source>%1 already exists. Choose another name.</source>
        <translation>%1 gibt es schon. Wählen Sie einen anderen Namen.</translation>
    </message>
    <message>
        <source>Delete %1 from the sandbox?</source>
        <translation>%1 aus der Sandbox löschen?</translation>
    </message>
    <message>
        <source>This cannot be undone.</source>
        <translation>Das lässt sich nicht rückgängig machen.</translation>
    </message>
    <message>
        <source>%1 is a folder. Choose another name, or drop onto the folder to move into it.</source>
        <translation>%1 ist ein Ordner. Wählen Sie einen anderen Namen, oder ziehen Sie auf den Ordner, um hineinzuverschieben.</translation>
    </message>
    <message>
        <source>The workspace is empty.
Drop files here, or use New File and New Folder.</source>
        <translation>Der Arbeitsbereich ist leer.
Legen Sie Dateien hier ab oder nutzen Sie Neue Datei und Neuer Ordner.</translation>
    </message>
    <message>
        <source>Path</source>
        <translation>Pfad</translation>
    </message>
    <message>
        <source>Path of a file or folder (Enter shows it)</source>
        <translation>Pfad einer Datei oder eines Ordners (Enter zeigt sie)</translation>
    </message>
    <message>
        <source>The folder of the selected item. Type a path, absolute or within /workspace, and press Enter to show it in the tree; Esc goes back.</source>
        <translation>Der Ordner des gewählten Eintrags. Geben Sie einen Pfad ein, absolut oder innerhalb von /workspace, und drücken Sie Enter, um ihn im Baum zu zeigen; Esc kehrt zurück.</translation>
    </message>
    <message>
        <source>Only %1 and what is in it shows here.</source>
        <translation>Hier erscheint nur %1 mit seinem Inhalt.</translation>
    </message>
    <message>
        <source>%1 does not exist.</source>
        <translation>%1 gibt es nicht.</translation>
    </message>
    <message>
        <source>&amp;Back Up This Folder…</source>
        <translation>Diesen Ordner &amp;sichern …</translation>
    </message>
    <message>
        <source>&amp;Clone Repository…</source>
        <translation>Repository &amp;klonen …</translation>
    </message>
    <message>
        <source>Clone Repository</source>
        <translation>Repository klonen</translation>
    </message>
    <message>
        <source>https://host/owner/project.git, or file:///path inside the sandbox</source>
        <translation>https://host/besitzer/projekt.git oder file:///pfad in der Sandbox</translation>
    </message>
    <message>
        <source>Optional: the remote&apos;s default branch</source>
        <translation>Optional: der Standard-Branch der Gegenstelle</translation>
    </message>
    <message>
        <source>%1/&lt;name of the repository&gt;</source>
        <translation>%1/&lt;Name des Repositorys&gt;</translation>
    </message>
    <message>
        <source>&amp;Latest commit only (a shallow clone, --depth 1)</source>
        <translation>Nur der &amp;letzte Commit (flacher Klon, --depth 1)</translation>
    </message>
    <message>
        <source>The sandbox has no network unless its network is “egress”: a repository on the internet needs that (New Sandbox or Settings).</source>
        <translation>Die Sandbox hat kein Netz, außer ihr Netzwerk ist „egress“: Ein Repository im Internet braucht das (Neue Sandbox oder Einstellungen).</translation>
    </message>
    <message>
        <source>Clone</source>
        <translation>Klonen</translation>
    </message>
    <message>
        <source>&amp;Repository URL:</source>
        <translation>&amp;Repository-URL:</translation>
    </message>
    <message>
        <source>&amp;Branch:</source>
        <translation>&amp;Branch:</translation>
    </message>
    <message>
        <source>&amp;Into:</source>
        <translation>&amp;Nach:</translation>
    </message>
    <message>
        <source>Cloning into %1…</source>
        <translation>Klonen nach %1 …</translation>
    </message>
    <message>
        <source>Could not clone: %1</source>
        <translation>Klonen fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Cloned %1 (branch %2).</source>
        <translation>%1 geklont (Branch %2).</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Anhalten</translation>
    </message>
    <message>
        <source>Stopped cloning into %1.</source>
        <translation>Klonen nach %1 angehalten.</translation>
    </message>
    <message>
        <source>Cloning into %1: %2 %3%</source>
        <translation>Klone nach %1: %2 %3 %</translation>
    </message>
    <message>
        <source>Enter the repository&apos;s URL.</source>
        <translation>Geben Sie die URL des Repositorys ein.</translation>
    </message>
    <message>
        <source>Change and Retry…</source>
        <translation>Ändern und erneut versuchen …</translation>
    </message>
    <message>
        <source>enumerating objects</source>
        <translation>Objekte aufzählen</translation>
    </message>
    <message>
        <source>counting objects</source>
        <translation>Objekte zählen</translation>
    </message>
    <message>
        <source>compressing objects</source>
        <translation>Objekte komprimieren</translation>
    </message>
    <message>
        <source>receiving objects</source>
        <translation>Objekte empfangen</translation>
    </message>
    <message>
        <source>resolving deltas</source>
        <translation>Deltas auflösen</translation>
    </message>
    <message>
        <source>updating files</source>
        <translation>Dateien aktualisieren</translation>
    </message>
</context>
<context>
    <name>sandbench::ui::InterpreterPane</name>
    <message>
        <source>This sandbox is not running. Start it to run code.</source>
        <translation>Diese Sandbox läuft nicht. Starten Sie sie, um Code auszuführen.</translation>
    </message>
    <message>
        <source>The context the cells run in: its own interpreter, names and working directory</source>
        <translation>Der Kontext, in dem die Zellen laufen: mit eigenem Interpreter, eigenen Namen und eigenem Arbeitsverzeichnis</translation>
    </message>
    <message>
        <source>New Context</source>
        <translation>Neuer Kontext</translation>
    </message>
    <message>
        <source>Interrupt</source>
        <translation>Unterbrechen</translation>
    </message>
    <message>
        <source>Restart</source>
        <translation>Neu starten</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Löschen</translation>
    </message>
    <message>
        <source>End this context and its interpreter</source>
        <translation>Diesen Kontext und seinen Interpreter beenden</translation>
    </message>
    <message>
        <source>Run All</source>
        <translation>Alle ausführen</translation>
    </message>
    <message>
        <source>Add Cell</source>
        <translation>Zelle hinzufügen</translation>
    </message>
    <message>
        <source>Clear Outputs</source>
        <translation>Ausgaben leeren</translation>
    </message>
    <message>
        <source>Open Notebook…</source>
        <translation>Notebook öffnen …</translation>
    </message>
    <message>
        <source>Save Notebook…</source>
        <translation>Notebook speichern …</translation>
    </message>
    <message>
        <source>dead: restart it</source>
        <translation>beendet: neu starten</translation>
    </message>
    <message>
        <source>busy</source>
        <translation>beschäftigt</translation>
    </message>
    <message>
        <source>idle</source>
        <translation>im Leerlauf</translation>
    </message>
    <message>
        <source>Could not list the contexts: %1</source>
        <translation>Die Kontexte konnten nicht aufgelistet werden: %1</translation>
    </message>
    <message>
        <source>%1 in %2</source>
        <translation>%1 in %2</translation>
    </message>
    <message>
        <source>starting a %1 context…</source>
        <translation>%1-Kontext wird gestartet …</translation>
    </message>
    <message>
        <source>Could not start the context: %1</source>
        <translation>Der Kontext konnte nicht gestartet werden: %1</translation>
    </message>
    <message>
        <source>Could not interrupt: %1</source>
        <translation>Unterbrechen fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Restart Context</source>
        <translation>Kontext neu starten</translation>
    </message>
    <message>
        <source>restarting…</source>
        <translation>wird neu gestartet …</translation>
    </message>
    <message>
        <source>Could not restart the context: %1</source>
        <translation>Der Kontext konnte nicht neu gestartet werden: %1</translation>
    </message>
    <message>
        <source>Delete Context</source>
        <translation>Kontext löschen</translation>
    </message>
    <message>
        <source>Could not delete the context: %1</source>
        <translation>Der Kontext konnte nicht gelöscht werden: %1</translation>
    </message>
    <message>
        <source>The cell could not run: %1</source>
        <translation>Die Zelle konnte nicht ausgeführt werden: %1</translation>
    </message>
    <message>
        <source>Could not save %1: %2</source>
        <translation>%1 konnte nicht gespeichert werden: %2</translation>
    </message>
    <message>
        <source>Saved %1.</source>
        <translation>%1 gespeichert.</translation>
    </message>
    <message>
        <source>Could not open %1: %2</source>
        <translation>%1 konnte nicht geöffnet werden: %2</translation>
    </message>
    <message>
        <source>%1 is not a notebook: %2</source>
        <translation>%1 ist kein Notebook: %2</translation>
    </message>
    <message>
        <source>Save Notebook</source>
        <translation>Notebook speichern</translation>
    </message>
    <message>
        <source>Save as (a path in the sandbox):</source>
        <translation>Speichern unter (ein Pfad in der Sandbox):</translation>
    </message>
    <message>
        <source>Open Notebook</source>
        <translation>Notebook öffnen</translation>
    </message>
    <message>
        <source>Open (a path in the sandbox):</source>
        <translation>Öffnen (ein Pfad in der Sandbox):</translation>
    </message>
    <message>
        <source>Replace</source>
        <translation>Ersetzen</translation>
    </message>
    <message>
        <source>Con&amp;text:</source>
        <translation>Kon&amp;text:</translation>
    </message>
    <message>
        <source>Stop the running cell; the context keeps its variables</source>
        <translation>Die laufende Zelle anhalten; der Kontext behält seine Variablen</translation>
    </message>
    <message>
        <source>A fresh interpreter for this context: its variables are lost</source>
        <translation>Ein neuer Interpreter für diesen Kontext: seine Variablen gehen verloren</translation>
    </message>
    <message>
        <source>Restart the context? Its interpreter starts afresh and every variable it defined is lost.</source>
        <translation>Den Kontext neu starten? Sein Interpreter beginnt von vorn, und jede Variable, die er definiert hat, geht verloren.</translation>
    </message>
    <message>
        <source>Delete the context %1? Its interpreter ends and its variables are lost; the notebook stays.</source>
        <translation>Den Kontext %1 löschen? Sein Interpreter endet und seine Variablen gehen verloren; das Notebook bleibt.</translation>
    </message>
    <message>
        <source>Replace the cells of this pane with %1? What is not saved in a notebook file is lost.</source>
        <translation>Die Zellen dieses Bereichs durch %1 ersetzen? Was nicht in einer Notebook-Datei gespeichert ist, geht verloren.</translation>
    </message>
    <message>
        <source>none yet</source>
        <translation>noch keiner</translation>
    </message>
    <message>
        <source>Running a cell starts a %1 context; New Context starts one of any language</source>
        <translation>Eine Zelle auszuführen startet einen %1-Kontext; „Neuer Kontext“ startet einen in jeder Sprache</translation>
    </message>
    <message>
        <source>The sandbox is not running: start it (Start in the toolbar, Ctrl+R) to run cells.</source>
        <translation>Die Sandbox läuft nicht: Starten Sie sie (Starten in der Werkzeugleiste, Strg+R), um Zellen auszuführen.</translation>
    </message>
    <message>
        <source>The cell&apos;s output ended before the cell did (the engine went away).</source>
        <translation>Die Ausgabe der Zelle endete vor der Zelle (die Engine ist weg).</translation>
    </message>
    <message>
        <source>The sandbox stopped while the cell ran.</source>
        <translation>Die Sandbox wurde angehalten, während die Zelle lief.</translation>
    </message>
    <message>
        <source>it is not valid JSON (%1 at character %2)</source>
        <translation>es ist kein gültiges JSON (%1 bei Zeichen %2)</translation>
    </message>
</context>
<context>
    <name>sandbench::ui::MainWindow</name>
    <message>
        <source>Engine: %1</source>
        <translation>Engine: %1</translation>
    </message>
    <message>
        <source>Connecting to the engine…</source>
        <translation>Verbindung zur Engine wird aufgebaut …</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;New Sandbox…</source>
        <translation>&amp;Neue Sandbox …</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;Sandbox</source>
        <translation>&amp;Sandbox</translation>
    </message>
    <message>
        <source>&amp;Start</source>
        <translation>&amp;Starten</translation>
    </message>
    <message>
        <source>S&amp;top</source>
        <translation>S&amp;toppen</translation>
    </message>
    <message>
        <source>&amp;Destroy…</source>
        <translation>&amp;Löschen …</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>&amp;About Sandbench</source>
        <translation>&amp;Über Sandbench</translation>
    </message>
    <message>
        <source>Sandboxes</source>
        <translation>Sandboxen</translation>
    </message>
    <message>
        <source>No sandboxes yet: create one.</source>
        <translation>Noch keine Sandboxen: legen Sie eine an.</translation>
    </message>
    <message>
        <source>New Sandbox…</source>
        <translation>Neue Sandbox …</translation>
    </message>
    <message>
        <source>Select a sandbox to see its files, commands and details.</source>
        <translation>Wählen Sie eine Sandbox, um ihre Dateien, Befehle und Details zu sehen.</translation>
    </message>
    <message>
        <source>Connected</source>
        <translation>Verbunden</translation>
    </message>
    <message>
        <source>Engine connection closed; reconnecting…</source>
        <translation>Verbindung zur Engine beendet; neuer Versuch …</translation>
    </message>
    <message>
        <source>Engine unreachable (%1); reconnecting…</source>
        <translation>Engine nicht erreichbar (%1); neuer Versuch …</translation>
    </message>
    <message>
        <source>Could not create %1: %2</source>
        <translation>%1 konnte nicht angelegt werden: %2</translation>
    </message>
    <message>
        <source>Could not start %1: %2</source>
        <translation>%1 konnte nicht gestartet werden: %2</translation>
    </message>
    <message>
        <source>Could not stop %1: %2</source>
        <translation>%1 konnte nicht gestoppt werden: %2</translation>
    </message>
    <message>
        <source>Could not destroy %1: %2</source>
        <translation>%1 konnte nicht gelöscht werden: %2</translation>
    </message>
    <message>
        <source>Destroy Sandbox</source>
        <translation>Sandbox löschen</translation>
    </message>
    <message>
        <source>About Sandbench</source>
        <translation>Über Sandbench</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Sandbench %1&lt;/h3&gt;&lt;p&gt;Local, isolated sandboxes on your own machine: commands, files, watching and more, offline and without Docker.&lt;/p&gt;&lt;p&gt;Qt %2&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Sandbench %1&lt;/h3&gt;&lt;p&gt;Lokale, isolierte Sandboxen auf dem eigenen Rechner: Befehle, Dateien, Beobachtung und mehr, offline und ohne Docker.&lt;/p&gt;&lt;p&gt;Qt %2&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Quit Sandbench</source>
        <translation>Sandbench beenden</translation>
    </message>
    <message>
        <source>1 sandbox is still running.</source>
        <translation>1 Sandbox läuft noch.</translation>
    </message>
    <message>
        <source>%1 sandboxes are still running.</source>
        <translation>%1 Sandboxes laufen noch.</translation>
    </message>
    <message>
        <source>Running sandboxes can keep running after Sandbench quits (they stop by themselves when idle, unless kept alive) or stop now.</source>
        <translation>Laufende Sandboxes können nach dem Beenden von Sandbench weiterlaufen (sie halten im Leerlauf von selbst an, außer sie sollen weiterlaufen) oder jetzt angehalten werden.</translation>
    </message>
    <message>
        <source>Keep Running</source>
        <translation>Weiterlaufen lassen</translation>
    </message>
    <message>
        <source>Stop Sandboxes</source>
        <translation>Sandboxes anhalten</translation>
    </message>
    <message>
        <source>Files with unsaved changes stay open in a window of their own.</source>
        <translation>Dateien mit ungespeicherten Änderungen bleiben in einem eigenen Fenster geöffnet.</translation>
    </message>
    <message>
        <source>Destroy &quot;%1&quot;?</source>
        <translation>„%1“ löschen?</translation>
    </message>
    <message>
        <source>Destroy</source>
        <translation>Löschen</translation>
    </message>
    <message>
        <source>1 file has unsaved changes.</source>
        <translation>1 Datei hat ungespeicherte Änderungen.</translation>
    </message>
    <message>
        <source>%1 files have unsaved changes.</source>
        <translation>%1 Dateien haben ungespeicherte Änderungen.</translation>
    </message>
    <message>
        <source>Save All and Quit</source>
        <translation>Alle speichern und beenden</translation>
    </message>
    <message>
        <source>Quit Without Saving</source>
        <translation>Ohne Speichern beenden</translation>
    </message>
    <message>
        <source>not saved</source>
        <translation>nicht gespeichert</translation>
    </message>
    <message>
        <source>Not quitting: some files were not saved. %1</source>
        <translation>Nicht beendet: Einige Dateien wurden nicht gespeichert. %1</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>S&amp;ettings…</source>
        <translation>&amp;Einstellungen …</translation>
    </message>
    <message>
        <source>Not saved: %1</source>
        <translation>Nicht gespeichert: %1</translation>
    </message>
    <message>
        <source>%1 was destroyed: its settings were not saved.</source>
        <translation>%1 wurde gelöscht: die Einstellungen wurden nicht gespeichert.</translation>
    </message>
    <message>
        <source>Sandbox</source>
        <translation>Sandbox</translation>
    </message>
    <message>
        <source>Port %1 is listening in %2.</source>
        <translation>Port %1 lauscht in %2.</translation>
    </message>
    <message>
        <source>Expose</source>
        <translation>Freigeben</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Öffnen</translation>
    </message>
    <message>
        <source>Port %1 of %2 is exposed at %3</source>
        <translation>Port %1 von %2 ist freigegeben unter %3</translation>
    </message>
    <message>
        <source>Copy URL</source>
        <translation>URL kopieren</translation>
    </message>
    <message>
        <source>Its processes are stopped and its workspace is deleted.</source>
        <translation>Seine Prozesse werden beendet und sein Arbeitsbereich gelöscht.</translation>
    </message>
    <message>
        <source>Its backups are deleted too.</source>
        <translation>Seine Sicherungen werden ebenfalls gelöscht.</translation>
    </message>
    <message>
        <source>Its backup is deleted too.</source>
        <translation>Seine Sicherung wird ebenfalls gelöscht.</translation>
    </message>
    <message>
        <source>Its %1 backups are deleted too.</source>
        <translation>Seine %1 Sicherungen werden ebenfalls gelöscht.</translation>
    </message>
    <message>
        <source>%1 at %2</source>
        <translation>%1 unter %2</translation>
    </message>
    <message>
        <source>Its buckets are unmounted; their objects stay in the buckets.</source>
        <translation>Seine Buckets werden ausgehängt; ihre Objekte bleiben in den Buckets.</translation>
    </message>
    <message>
        <source>Its buckets are unmounted; their objects stay in the buckets: %1.</source>
        <translation>Seine Buckets werden ausgehängt; ihre Objekte bleiben in den Buckets: %1.</translation>
    </message>
    <message>
        <source>This cannot be undone.</source>
        <translation>Das lässt sich nicht rückgängig machen.</translation>
    </message>
    <message>
        <source>A backup, restore or transfer under way in %1 stops either way.</source>
        <translation>Eine laufende Sicherung, Wiederherstellung oder Übertragung in %1 endet in jedem Fall.</translation>
    </message>
</context>
<context>
    <name>sandbench::ui::MessageBanner</name>
    <message>
        <source>Dismiss</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Details</translation>
    </message>
</context>
<context>
    <name>sandbench::ui::NewSandboxDialog</name>
    <message>
        <source>New Sandbox</source>
        <translation>Neue Sandbox</translation>
    </message>
    <message>
        <source>for example my-project</source>
        <translation>zum Beispiel mein-projekt</translation>
    </message>
    <message>
        <source>Lower-case letters, digits and dashes; at most 63 characters</source>
        <translation>Kleinbuchstaben, Ziffern und Bindestriche; höchstens 63 Zeichen</translation>
    </message>
    <message>
        <source>Keep running while idle</source>
        <translation>Auch im Leerlauf weiterlaufen</translation>
    </message>
    <message>
        <source>default (10m)</source>
        <translation>Vorgabe (10m)</translation>
    </message>
    <message>
        <source>Idle time before the sandbox sleeps: 30s, 10m, 1h, 1d</source>
        <translation>Leerlaufzeit, bevor die Sandbox schläft: 30s, 10m, 1h, 1d</translation>
    </message>
    <message>
        <source> MiB</source>
        <translation> MiB</translation>
    </message>
    <message>
        <source>Memory for the sandbox&apos;s processes and its /tmp, /var, /home</source>
        <translation>Speicher für die Prozesse der Sandbox und ihre /tmp, /var, /home</translation>
    </message>
    <message>
        <source>no cap</source>
        <translation>unbegrenzt</translation>
    </message>
    <message>
        <source>CPU time in cores (0.5 is half a core)</source>
        <translation>Rechenzeit in Kernen (0,5 ist ein halber Kern)</translation>
    </message>
    <message>
        <source>Processes and threads</source>
        <translation>Prozesse und Threads</translation>
    </message>
    <message>
        <source>CPUs:</source>
        <translation>CPUs:</translation>
    </message>
    <message>
        <source>Processes:</source>
        <translation>Prozesse:</translation>
    </message>
    <message>
        <source>Sandbox &amp;ID:</source>
        <translation>Sandbox-&amp;ID:</translation>
    </message>
    <message>
        <source>&amp;Environment:</source>
        <translation>&amp;Umgebung:</translation>
    </message>
    <message>
        <source>&amp;Sleep after:</source>
        <translation>&amp;Schlafen nach:</translation>
    </message>
    <message>
        <source>&amp;Memory:</source>
        <translation>&amp;Speicher:</translation>
    </message>
    <message>
        <source>Create</source>
        <translation>Anlegen</translation>
    </message>
    <message>
        <source>The ID must start and end with a letter or digit.</source>
        <translation>Die ID muss mit einem Buchstaben oder einer Ziffer beginnen und enden.</translation>
    </message>
    <message>
        <source>Sleep after must look like 30s, 10m, 1h or 1d.</source>
        <translation>„Schlafen nach“ muss wie 30s, 10m, 1h oder 1d aussehen.</translation>
    </message>
    <message>
        <source>None (loopback only)</source>
        <translation>Kein (nur Loopback)</translation>
    </message>
    <message>
        <source>Internet (egress)</source>
        <translation>Internet (ausgehend)</translation>
    </message>
    <message>
        <source>Internet access goes through slirp4netns; this computer and its local network stay unreachable unless allowed below</source>
        <translation>Der Internetzugang läuft über slirp4netns; dieser Rechner und sein lokales Netz bleiben unerreichbar, sofern unten nicht erlaubt</translation>
    </message>
    <message>
        <source>also reach, for example 192.168.1.20, 10.0.0.0/8</source>
        <translation>zusätzlich erreichbar, zum Beispiel 192.168.1.20, 10.0.0.0/8</translation>
    </message>
    <message>
        <source>Addresses or CIDRs of this computer or the local network the sandbox may reach; this computer&apos;s loopback never is</source>
        <translation>Adressen oder CIDRs dieses Rechners oder des lokalen Netzes, die die Sandbox erreichen darf; das Loopback dieses Rechners nie</translation>
    </message>
    <message>
        <source>&amp;Network:</source>
        <translation>&amp;Netzwerk:</translation>
    </message>
    <message>
        <source>Internet access is not available on this computer: %1</source>
        <translation>Internetzugang ist auf diesem Rechner nicht verfügbar: %1</translation>
    </message>
    <message>
        <source>“%1” is not an address or CIDR like 192.168.1.0/24.</source>
        <translation>„%1“ ist keine Adresse und kein CIDR wie 192.168.1.0/24.</translation>
    </message>
    <message>
        <source>This computer&apos;s loopback (%1) is never reachable from a sandbox.</source>
        <translation>Das Loopback dieses Rechners (%1) ist aus einer Sandbox nie erreichbar.</translation>
    </message>
    <message>
        <source>Sandbox IDs are lower case, with dashes for spaces and underscores.</source>
        <translation>Sandbox-IDs bestehen aus Kleinbuchstaben, mit Bindestrichen statt Leerzeichen und Unterstrichen.</translation>
    </message>
    <message>
        <source>“%1” cannot be part of a sandbox ID: use a-z, 0-9 and -.</source>
        <translation>„%1“ darf nicht in einer Sandbox-ID stehen: erlaubt sind a-z, 0-9 und -.</translation>
    </message>
    <message>
        <source>Settings of %1</source>
        <translation>Einstellungen von %1</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Speichern</translation>
    </message>
    <message>
        <source>unchanged (%1)</source>
        <translation>unverändert (%1)</translation>
    </message>
    <message>
        <source>Variables apply to new sessions and commands; idle settings, memory, CPUs and processes at once; a new network at the next start.</source>
        <translation>Variablen gelten für neue Sitzungen und Befehle; Leerlauf, Speicher, CPUs und Prozesse sofort; ein neues Netzwerk beim nächsten Start.</translation>
    </message>
    <message>
        <source>The settings apply when the sandbox starts.</source>
        <translation>Die Einstellungen gelten beim Start der Sandbox.</translation>
    </message>
    <message>
        <source>“%1” is too wide: allow at most a /8.</source>
        <translation>„%1“ ist zu weit: höchstens ein /8 erlauben.</translation>
    </message>
    <message>
        <source>Opening a preview URL starts it when stopped</source>
        <translation>Eine Vorschau-URL startet sie, wenn sie angehalten ist</translation>
    </message>
    <message>
        <source>Off: a preview of a stopped sandbox says so instead, and the sandbox stays stopped</source>
        <translation>Aus: Die Vorschau einer angehaltenen Sandbox sagt das stattdessen, und die Sandbox bleibt angehalten</translation>
    </message>
</context>
<context>
    <name>sandbench::ui::NewSessionDialog</name>
    <message>
        <source>New Session</source>
        <translation>Neue Sitzung</translation>
    </message>
    <message>
        <source>generated when empty</source>
        <translation>wird erzeugt, wenn leer</translation>
    </message>
    <message>
        <source>Session &amp;ID:</source>
        <translation>Sitzungs-&amp;ID:</translation>
    </message>
    <message>
        <source>Create</source>
        <translation>Anlegen</translation>
    </message>
    <message>
        <source>Session IDs use letters, digits, &apos;.&apos;, &apos;_&apos; and &apos;-&apos;.</source>
        <translation>Sitzungs-IDs bestehen aus Buchstaben, Ziffern, „.“, „_“ und „-“.</translation>
    </message>
</context>
<context>
    <name>sandbench::ui::Notebook</name>
    <message>
        <source>This is not a Jupyter notebook of format 4 (nbformat 4).</source>
        <translation>Dies ist kein Jupyter-Notebook im Format 4 (nbformat 4).</translation>
    </message>
</context>
<context>
    <name>sandbench::ui::OverviewPane</name>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <source>Status:</source>
        <translation>Status:</translation>
    </message>
    <message>
        <source>Created:</source>
        <translation>Angelegt:</translation>
    </message>
    <message>
        <source>When idle:</source>
        <translation>Im Leerlauf:</translation>
    </message>
    <message>
        <source>Limits:</source>
        <translation>Grenzen:</translation>
    </message>
    <message>
        <source>Out-of-memory kills:</source>
        <translation>Wegen Speichermangel beendet:</translation>
    </message>
    <message>
        <source>Last error:</source>
        <translation>Letzter Fehler:</translation>
    </message>
    <message>
        <source>Environment variables:</source>
        <translation>Umgebungsvariablen:</translation>
    </message>
    <message>
        <source>Keeps running</source>
        <translation>Läuft weiter</translation>
    </message>
    <message>
        <source>None</source>
        <translation>Keiner</translation>
    </message>
    <message>
        <source>1 process killed at the memory limit since the last start</source>
        <translation>1 Prozess seit dem letzten Start an der Speichergrenze beendet</translation>
    </message>
    <message>
        <source>%1 processes killed at the memory limit since the last start</source>
        <translation>%1 Prozesse seit dem letzten Start an der Speichergrenze beendet</translation>
    </message>
    <message>
        <source>Unknown</source>
        <translation>Unbekannt</translation>
    </message>
    <message>
        <source>%1 MiB memory, %2, %3 processes</source>
        <translation>%1 MiB Speicher, %2, %3 Prozesse</translation>
    </message>
    <message>
        <source>%1 CPU</source>
        <translation>%1 CPU</translation>
    </message>
    <message>
        <source>no CPU cap</source>
        <translation>CPU unbegrenzt</translation>
    </message>
    <message>
        <source>, %1 MiB disk</source>
        <translation>, %1 MiB Speicherplatz</translation>
    </message>
    <message>
        <source>, %1 MiB disk (watched: the sandbox stops when it is passed)</source>
        <translation>, %1 MiB Speicherplatz (überwacht: die Sandbox hält an, wenn er überschritten wird)</translation>
    </message>
    <message>
        <source> (now %1 MiB)</source>
        <translation> (derzeit %1 MiB)</translation>
    </message>
    <message>
        <source>memory</source>
        <translation>Speicher</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>processes</source>
        <translation>Prozesse</translation>
    </message>
    <message>
        <source>Enforced through cgroup %1</source>
        <translation>Durchgesetzt über cgroup %1</translation>
    </message>
    <message>
        <source>Not enforced on this host: %1. %2</source>
        <translation>Auf diesem Rechner nicht durchgesetzt: %1. %2</translation>
    </message>
    <message>
        <source>%1 d</source>
        <translation>%1 d</translation>
    </message>
    <message>
        <source>%1 h</source>
        <translation>%1 h</translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation>%1 min</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>Sleeps after %1 idle</source>
        <translation>Schläft nach %1 Leerlauf</translation>
    </message>
    <message>
        <source>Network:</source>
        <translation>Netzwerk:</translation>
    </message>
    <message>
        <source>Internet (egress)</source>
        <translation>Internet (ausgehend)</translation>
    </message>
    <message>
        <source>None (loopback only)</source>
        <translation>Kein (nur Loopback)</translation>
    </message>
    <message>
        <source>; this computer and its local network are unreachable</source>
        <translation>; dieser Rechner und sein lokales Netz sind unerreichbar</translation>
    </message>
    <message>
        <source>; also allowed: %1</source>
        <translation>; außerdem erlaubt: %1</translation>
    </message>
    <message>
        <source>Applies at the next start; now: %1</source>
        <translation>Gilt ab dem nächsten Start; jetzt: %1</translation>
    </message>
    <message>
        <source>&amp;Start</source>
        <translation>&amp;Starten</translation>
    </message>
    <message>
        <source>S&amp;top</source>
        <translation>S&amp;toppen</translation>
    </message>
    <message>
        <source>S&amp;ettings…</source>
        <translation>&amp;Einstellungen …</translation>
    </message>
    <message>
        <source>Change the environment variables, idle behaviour, limits and network</source>
        <translation>Umgebungsvariablen, Verhalten im Leerlauf, Grenzen und Netzwerk ändern</translation>
    </message>
</context>
<context>
    <name>sandbench::ui::PortsPane</name>
    <message>
        <source>Ports</source>
        <translation>Ports</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>Port</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>Preview URL</source>
        <translation>Vorschau-URL</translation>
    </message>
    <message>
        <source>Expose Port…</source>
        <translation>Port freigeben …</translation>
    </message>
    <message>
        <source>Give a port of the sandbox a preview URL</source>
        <translation>Einem Port der Sandbox eine Vorschau-URL geben</translation>
    </message>
    <message>
        <source>Preview</source>
        <translation>Vorschau</translation>
    </message>
    <message>
        <source>Open the port&apos;s preview in a tab below (double-click a port)</source>
        <translation>Die Vorschau des Ports in einem Tab darunter öffnen (Doppelklick auf einen Port)</translation>
    </message>
    <message>
        <source>Open in Browser</source>
        <translation>Im Browser öffnen</translation>
    </message>
    <message>
        <source>Copy URL</source>
        <translation>URL kopieren</translation>
    </message>
    <message>
        <source>Unexpose</source>
        <translation>Freigabe aufheben</translation>
    </message>
    <message>
        <source>Double-click an exposed port to preview it here. Ports that start listening in the sandbox appear in the list by themselves.</source>
        <translation>Doppelklicken Sie auf einen freigegebenen Port, um ihn hier anzusehen. Ports, auf denen in der Sandbox etwas zu lauschen beginnt, erscheinen von selbst in der Liste.</translation>
    </message>
    <message>
        <source>Could not list the ports: %1</source>
        <translation>Die Ports konnten nicht aufgelistet werden: %1</translation>
    </message>
    <message>
        <source>Listening</source>
        <translation>Lauscht</translation>
    </message>
    <message>
        <source>Not listening</source>
        <translation>Lauscht nicht</translation>
    </message>
    <message>
        <source>Listening, not exposed</source>
        <translation>Lauscht, nicht freigegeben</translation>
    </message>
    <message>
        <source>Double-click to expose</source>
        <translation>Doppelklicken zum Freigeben</translation>
    </message>
    <message>
        <source>Expose Port</source>
        <translation>Port freigeben</translation>
    </message>
    <message>
        <source>Optional, e.g. web</source>
        <translation>Optional, z. B. web</translation>
    </message>
    <message>
        <source>Expose</source>
        <translation>Freigeben</translation>
    </message>
    <message>
        <source>&amp;Port:</source>
        <translation>&amp;Port:</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Name:</translation>
    </message>
    <message>
        <source>Could not expose port %1: %2</source>
        <translation>Port %1 konnte nicht freigegeben werden: %2</translation>
    </message>
    <message>
        <source>Unexpose Port</source>
        <translation>Freigabe aufheben</translation>
    </message>
    <message>
        <source>Could not unexpose port %1: %2</source>
        <translation>Die Freigabe von Port %1 konnte nicht aufgehoben werden: %2</translation>
    </message>
    <message>
        <source>The preview only shows this sandbox&apos;s exposed ports; %1 was not opened here.</source>
        <translation>Die Vorschau zeigt nur die freigegebenen Ports dieser Sandbox; %1 wurde hier nicht geöffnet.</translation>
    </message>
    <message>
        <source>Copied the preview URL of port %1. Whoever has it can reach the port while it is exposed.</source>
        <translation>Die Vorschau-URL von Port %1 wurde kopiert. Wer sie hat, erreicht den Port, solange er freigegeben ist.</translation>
    </message>
    <message>
        <source>Could not start the system&apos;s web browser for %1</source>
        <translation>Der Webbrowser des Systems konnte für %1 nicht gestartet werden</translation>
    </message>
    <message>
        <source>Save Download</source>
        <translation>Download speichern</translation>
    </message>
    <message>
        <source>Downloaded %1</source>
        <translation>%1 heruntergeladen</translation>
    </message>
    <message>
        <source>The download of %1 failed: %2</source>
        <translation>Der Download von %1 ist fehlgeschlagen: %2</translation>
    </message>
    <message>
        <source>Revoke the preview URL: it stops working at once (Delete)</source>
        <translation>Die Vorschau-URL widerrufen: Sie funktioniert sofort nicht mehr (Entf)</translation>
    </message>
    <message>
        <source>Copy the preview URL (Ctrl+C)</source>
        <translation>Die Vorschau-URL kopieren (Strg+C)</translation>
    </message>
    <message>
        <source>Close Preview</source>
        <translation>Vorschau schließen</translation>
    </message>
    <message>
        <source>Sandbox stopped</source>
        <translation>Sandbox angehalten</translation>
    </message>
    <message>
        <source>Port 3000 is the sandbox&apos;s control port and cannot be exposed.</source>
        <translation>Port 3000 ist der Steuerport der Sandbox und kann nicht freigegeben werden.</translation>
    </message>
    <message>
        <source>Port %1 cannot be exposed: use a port from 1024 to 65535.</source>
        <translation>Port %1 kann nicht freigegeben werden: Verwenden Sie einen Port von 1024 bis 65535.</translation>
    </message>
    <message>
        <source>Unexpose port %1? Its preview URL stops working at once, for everyone who has it, and its preview tabs here close.</source>
        <translation>Freigabe von Port %1 aufheben? Seine Vorschau-URL funktioniert sofort nicht mehr, für alle, die sie haben, und seine Vorschau-Tabs hier werden geschlossen.</translation>
    </message>
    <message>
        <source>At most %1 previews are open at once; close one to open another.</source>
        <translation>Höchstens %1 Vorschauen sind gleichzeitig offen; schließen Sie eine, um eine weitere zu öffnen.</translation>
    </message>
    <message>
        <source>%1 is the sandbox&apos;s own loopback, and port %2 is not exposed: expose it to follow the link.</source>
        <translation>%1 ist das eigene Loopback der Sandbox, und Port %2 ist nicht freigegeben: Geben Sie ihn frei, um dem Link zu folgen.</translation>
    </message>
</context>
<context>
    <name>sandbench::ui::PreviewTab</name>
    <message>
        <source>Back (Alt+Left)</source>
        <translation>Zurück (Alt+Links)</translation>
    </message>
    <message>
        <source>Forward (Alt+Right)</source>
        <translation>Vor (Alt+Rechts)</translation>
    </message>
    <message>
        <source>Reload (F5)</source>
        <translation>Neu laden (F5)</translation>
    </message>
    <message>
        <source>A path, like /index.html, or this port&apos;s preview URL</source>
        <translation>Ein Pfad wie /index.html oder die Vorschau-URL dieses Ports</translation>
    </message>
    <message>
        <source>Open in Browser</source>
        <translation>Im Browser öffnen</translation>
    </message>
    <message>
        <source>Open this page in the system&apos;s web browser</source>
        <translation>Diese Seite im Webbrowser des Systems öffnen</translation>
    </message>
    <message>
        <source>The sandbox is stopped. This preview comes back when it starts.</source>
        <translation>Die Sandbox ist angehalten. Diese Vorschau kehrt zurück, wenn sie startet.</translation>
    </message>
</context>
<context>
    <name>sandbench::ui::ProcessListModel</name>
    <message>
        <source>Process</source>
        <translation>Prozess</translation>
    </message>
    <message>
        <source>PID</source>
        <translation>PID</translation>
    </message>
    <message>
        <source>Command</source>
        <translation>Befehl</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Exit Code</source>
        <translation>Exit-Code</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>Gestartet</translation>
    </message>
    <message>
        <source>%1
(a streamed command, not a background process)</source>
        <translation>%1
(ein gestreamter Befehl, kein Hintergrundprozess)</translation>
    </message>
</context>
<context>
    <name>sandbench::ui::PtySocket</name>
    <message>
        <source>No answer from the engine</source>
        <translation>Keine Antwort von der Engine</translation>
    </message>
    <message>
        <source>The engine closed the connection</source>
        <translation>Die Engine hat die Verbindung geschlossen</translation>
    </message>
    <message>
        <source>The engine refused the terminal (HTTP %1)</source>
        <translation>Die Engine hat das Terminal abgelehnt (HTTP %1)</translation>
    </message>
    <message>
        <source>The engine&apos;s WebSocket answer is not valid</source>
        <translation>Die WebSocket-Antwort der Engine ist ungültig</translation>
    </message>
    <message>
        <source>The engine sent a masked frame</source>
        <translation>Die Engine hat einen maskierten Frame gesendet</translation>
    </message>
    <message>
        <source>The engine sent a message too large for a status</source>
        <translation>Die Engine hat eine für eine Statusmeldung zu große Nachricht gesendet</translation>
    </message>
    <message>
        <source>The engine sent an unknown WebSocket frame</source>
        <translation>Die Engine hat einen unbekannten WebSocket-Frame gesendet</translation>
    </message>
</context>
<context>
    <name>sandbench::ui::RecoveredChanges</name>
    <message>
        <source>Unsaved Changes from %1</source>
        <translation>Ungespeicherte Änderungen aus %1</translation>
    </message>
    <message>
        <source>The sandbox &quot;%1&quot; was destroyed while these files had unsaved changes. Save them on this computer, or close this window to let them go.</source>
        <translation>Die Sandbox „%1“ wurde gelöscht, während diese Dateien ungespeicherte Änderungen hatten. Speichern Sie sie auf diesem Rechner, oder schließen Sie dieses Fenster, um sie aufzugeben.</translation>
    </message>
    <message>
        <source>The sandbox &quot;%1&quot; was destroyed.</source>
        <translation>Die Sandbox „%1“ wurde gelöscht.</translation>
    </message>
    <message>
        <source>Save a Copy…</source>
        <translation>Kopie speichern …</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <source>1 file still has changes that are not saved anywhere.</source>
        <translation>1 Datei hat noch Änderungen, die nirgends gespeichert sind.</translation>
    </message>
    <message>
        <source>%1 files still have changes that are not saved anywhere.</source>
        <translation>%1 Dateien haben noch Änderungen, die nirgends gespeichert sind.</translation>
    </message>
    <message>
        <source>Close Without Saving</source>
        <translation>Ohne Speichern schließen</translation>
    </message>
    <message>
        <source>Closing discards the text.</source>
        <translation>Beim Schließen geht der Text verloren.</translation>
    </message>
</context>
<context>
    <name>sandbench::ui::SandboxListModel</name>
    <message>
        <source>Running</source>
        <translation>Läuft</translation>
    </message>
    <message>
        <source>Starting</source>
        <translation>Startet</translation>
    </message>
    <message>
        <source>Stopped</source>
        <translation>Gestoppt</translation>
    </message>
    <message>
        <source>Sleeping</source>
        <translation>Schläft</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
</context>
<context>
    <name>sandbench::ui::SandboxView</name>
    <message>
        <source>Files</source>
        <translation>Dateien</translation>
    </message>
    <message>
        <source>Overview</source>
        <translation>Übersicht</translation>
    </message>
    <message>
        <source>Commands</source>
        <translation>Befehle</translation>
    </message>
    <message>
        <source>%1 (Ctrl+%2)</source>
        <translation>%1 (Strg+%2)</translation>
    </message>
    <message>
        <source>Interpreter</source>
        <translation>Interpreter</translation>
    </message>
    <message>
        <source>Ports</source>
        <translation>Ports</translation>
    </message>
    <message>
        <source>Terminal</source>
        <translation>Terminal</translation>
    </message>
    <message>
        <source>Storage</source>
        <translation>Speicher</translation>
    </message>
</context>
<context>
    <name>sandbench::ui::StartProcessDialog</name>
    <message>
        <source>Start Background Process</source>
        <translation>Hintergrundprozess starten</translation>
    </message>
    <message>
        <source>for example python3 -m http.server 8080</source>
        <translation>zum Beispiel python3 -m http.server 8080</translation>
    </message>
    <message>
        <source>the session&apos;s directory</source>
        <translation>das Verzeichnis der Sitzung</translation>
    </message>
    <message>
        <source>&amp;Command:</source>
        <translation>&amp;Befehl:</translation>
    </message>
    <message>
        <source>&amp;Session:</source>
        <translation>&amp;Sitzung:</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>Starten</translation>
    </message>
</context>
<context>
    <name>sandbench::ui::StoppedPlaceholder</name>
    <message>
        <source>Start Sandbox</source>
        <translation>Sandbox starten</translation>
    </message>
</context>
<context>
    <name>sandbench::ui::StoragePane</name>
    <message>
        <source>Mounted</source>
        <translation>Eingehängt</translation>
    </message>
    <message>
        <source>Mounting…</source>
        <translation>Wird eingehängt …</translation>
    </message>
    <message>
        <source>Unmounting…</source>
        <translation>Wird ausgehängt …</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <source>Not mounted</source>
        <translation>Nicht eingehängt</translation>
    </message>
    <message>
        <source>Bucket mounts</source>
        <translation>Eingehängte Buckets</translation>
    </message>
    <message>
        <source>Mounted at</source>
        <translation>Eingehängt in</translation>
    </message>
    <message>
        <source>Bucket</source>
        <translation>Bucket</translation>
    </message>
    <message>
        <source>Endpoint</source>
        <translation>Endpunkt</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>Mount Bucket…</source>
        <translation>Bucket einhängen …</translation>
    </message>
    <message>
        <source>Mount an S3-compatible bucket (R2, S3, GCS, MinIO…) at a path in the sandbox</source>
        <translation>Einen S3-kompatiblen Bucket (R2, S3, GCS, MinIO …) an einem Pfad in der Sandbox einhängen</translation>
    </message>
    <message>
        <source>Mount Again…</source>
        <translation>Erneut einhängen …</translation>
    </message>
    <message>
        <source>Mount the selected bucket again (its credentials are asked for when they were not remembered)</source>
        <translation>Den gewählten Bucket erneut einhängen (nach den Zugangsdaten wird gefragt, wenn sie nicht gespeichert wurden)</translation>
    </message>
    <message>
        <source>Unmount</source>
        <translation>Aushängen</translation>
    </message>
    <message>
        <source>Unmount the bucket; its objects stay in the bucket (Delete)</source>
        <translation>Den Bucket aushängen; seine Objekte bleiben im Bucket (Entf)</translation>
    </message>
    <message>
        <source>Could not list the bucket mounts: %1</source>
        <translation>Die eingehängten Buckets konnten nicht aufgelistet werden: %1</translation>
    </message>
    <message>
        <source> (read-only)</source>
        <translation> (schreibgeschützt)</translation>
    </message>
    <message>
        <source>Last error: %1</source>
        <translation>Letzter Fehler: %1</translation>
    </message>
    <message>
        <source>The credentials are remembered: the mount comes back when the sandbox starts again.</source>
        <translation>Die Zugangsdaten sind gespeichert: Der Bucket wird wieder eingehängt, wenn die Sandbox neu startet.</translation>
    </message>
    <message>
        <source>s3fs options: %1</source>
        <translation>s3fs-Optionen: %1</translation>
    </message>
    <message>
        <source>Mount Bucket</source>
        <translation>Bucket einhängen</translation>
    </message>
    <message>
        <source>Mount Bucket Again</source>
        <translation>Bucket erneut einhängen</translation>
    </message>
    <message>
        <source>https://&lt;account&gt;.r2.cloudflarestorage.com or http://127.0.0.1:9000</source>
        <translation>https://&lt;konto&gt;.r2.cloudflarestorage.com oder http://127.0.0.1:9000</translation>
    </message>
    <message>
        <source>Optional: /folder, to mount only that part</source>
        <translation>Optional: /ordner, um nur diesen Teil einzuhängen</translation>
    </message>
    <message>
        <source>Empty: the sandbox&apos;s AWS_ACCESS_KEY_ID (or R2_ACCESS_KEY_ID)</source>
        <translation>Leer: AWS_ACCESS_KEY_ID (oder R2_ACCESS_KEY_ID) der Sandbox</translation>
    </message>
    <message>
        <source>Empty: the sandbox&apos;s AWS_SECRET_ACCESS_KEY</source>
        <translation>Leer: AWS_SECRET_ACCESS_KEY der Sandbox</translation>
    </message>
    <message>
        <source>&amp;Read-only (writes fail with “Read-only file system”)</source>
        <translation>&amp;Schreibgeschützt (Schreiben scheitert mit „Read-only file system“)</translation>
    </message>
    <message>
        <source>Re&amp;member the credentials, so the mount comes back when the sandbox starts</source>
        <translation>Zugangsdaten &amp;merken, damit der Bucket beim Start der Sandbox wieder eingehängt wird</translation>
    </message>
    <message>
        <source>Kept in the engine&apos;s state directory, readable by you alone (mode 0600). Unchecked, they last until the sandbox stops.</source>
        <translation>Im Zustandsverzeichnis der Engine gespeichert, nur für Sie lesbar (Modus 0600). Ohne Haken gelten sie, bis die Sandbox anhält.</translation>
    </message>
    <message>
        <source>Optional s3fs options, e.g. use_path_request_style, stat_cache_expire=60</source>
        <translation>Optionale s3fs-Optionen, z. B. use_path_request_style, stat_cache_expire=60</translation>
    </message>
    <message>
        <source>Mount</source>
        <translation>Einhängen</translation>
    </message>
    <message>
        <source>The endpoint is the bucket service&apos;s address, starting with https:// or http://.</source>
        <translation>Der Endpunkt ist die Adresse des Bucket-Dienstes und beginnt mit https:// oder http://.</translation>
    </message>
    <message>
        <source>Bucket names are 3 to 63 characters of a-z, 0-9, &apos;.&apos; and &apos;-&apos;, starting and ending with a letter or digit.</source>
        <translation>Bucket-Namen haben 3 bis 63 Zeichen aus a-z, 0-9, „.“ und „-“ und beginnen und enden mit einem Buchstaben oder einer Ziffer.</translation>
    </message>
    <message>
        <source>A prefix starts with &apos;/&apos;, such as /logs.</source>
        <translation>Ein Präfix beginnt mit „/“, etwa /logs.</translation>
    </message>
    <message>
        <source>Give both the access key ID and the secret, or neither (then the sandbox&apos;s variables are used).</source>
        <translation>Geben Sie Zugriffsschlüssel-ID und Geheimnis an, oder keines von beiden (dann gelten die Variablen der Sandbox).</translation>
    </message>
    <message>
        <source>&amp;Endpoint:</source>
        <translation>&amp;Endpunkt:</translation>
    </message>
    <message>
        <source>&amp;Bucket:</source>
        <translation>&amp;Bucket:</translation>
    </message>
    <message>
        <source>&amp;Prefix:</source>
        <translation>&amp;Präfix:</translation>
    </message>
    <message>
        <source>Mount &amp;at:</source>
        <translation>Einhängen &amp;in:</translation>
    </message>
    <message>
        <source>Access &amp;key ID:</source>
        <translation>&amp;Zugriffsschlüssel-ID:</translation>
    </message>
    <message>
        <source>&amp;Secret access key:</source>
        <translation>&amp;Geheimer Schlüssel:</translation>
    </message>
    <message>
        <source>s3fs &amp;options:</source>
        <translation>s3fs-&amp;Optionen:</translation>
    </message>
    <message>
        <source>Mounting %1 at %2…</source>
        <translation>%1 wird in %2 eingehängt …</translation>
    </message>
    <message>
        <source>Could not mount %1 at %2: %3</source>
        <translation>%1 konnte nicht in %2 eingehängt werden: %3</translation>
    </message>
    <message>
        <source>Change and Retry…</source>
        <translation>Ändern und erneut versuchen …</translation>
    </message>
    <message>
        <source>%1 is mounted at %2.</source>
        <translation>%1 ist in %2 eingehängt.</translation>
    </message>
    <message>
        <source>Unmount Bucket</source>
        <translation>Bucket aushängen</translation>
    </message>
    <message>
        <source>Could not unmount %1: %2</source>
        <translation>%1 konnte nicht ausgehängt werden: %2</translation>
    </message>
    <message>
        <source>Backups</source>
        <translation>Sicherungen</translation>
    </message>
    <message>
        <source>Backup</source>
        <translation>Sicherung</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>Ordner</translation>
    </message>
    <message>
        <source>Made</source>
        <translation>Erstellt</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <source>Expires</source>
        <translation>Läuft ab</translation>
    </message>
    <message>
        <source>Back Up Folder…</source>
        <translation>Ordner sichern …</translation>
    </message>
    <message>
        <source>Keep a snapshot of a folder of the sandbox, to restore later</source>
        <translation>Einen Stand eines Ordners der Sandbox sichern, um ihn später wiederherzustellen</translation>
    </message>
    <message>
        <source>Restore…</source>
        <translation>Wiederherstellen …</translation>
    </message>
    <message>
        <source>Put the folder back as it was in the backup (asks first)</source>
        <translation>Den Ordner auf den Stand der Sicherung zurücksetzen (fragt vorher)</translation>
    </message>
    <message>
        <source>Restore Into…</source>
        <translation>Wiederherstellen in …</translation>
    </message>
    <message>
        <source>Restore Into</source>
        <translation>Wiederherstellen in</translation>
    </message>
    <message>
        <source>Restore</source>
        <translation>Wiederherstellen</translation>
    </message>
    <message>
        <source>A folder below /workspace, /home, /tmp, /var/tmp or /app. If it exists, its content is replaced.</source>
        <translation>Ein Ordner unterhalb von /workspace, /home, /tmp, /var/tmp oder /app. Gibt es ihn schon, wird sein Inhalt ersetzt.</translation>
    </message>
    <message>
        <source>&amp;Folder:</source>
        <translation>&amp;Ordner:</translation>
    </message>
    <message>
        <source>Download…</source>
        <translation>Herunterladen …</translation>
    </message>
    <message>
        <source>Save the backup&apos;s archive (squashfs) on this computer</source>
        <translation>Das Archiv der Sicherung (squashfs) auf diesem Rechner speichern</translation>
    </message>
    <message>
        <source>Import…</source>
        <translation>Importieren …</translation>
    </message>
    <message>
        <source>Bring in a backup archive (.sqsh) saved before, from this or another sandbox</source>
        <translation>Ein früher gespeichertes Sicherungsarchiv (.sqsh) einbringen, aus dieser oder einer anderen Sandbox</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Löschen</translation>
    </message>
    <message>
        <source>Could not list the backups: %1</source>
        <translation>Die Sicherungen konnten nicht aufgelistet werden: %1</translation>
    </message>
    <message>
        <source>(unnamed)</source>
        <translation>(ohne Namen)</translation>
    </message>
    <message>
        <source>expired</source>
        <translation>abgelaufen</translation>
    </message>
    <message>
        <source>Backup %1
SHA-256 %2</source>
        <translation>Sicherung %1
SHA-256 %2</translation>
    </message>
    <message>
        <source>Back Up Folder</source>
        <translation>Ordner sichern</translation>
    </message>
    <message>
        <source>Optional, e.g. before the upgrade</source>
        <translation>Optional, z. B. vor dem Upgrade</translation>
    </message>
    <message>
        <source>Optional patterns left out, e.g. node_modules, *.log</source>
        <translation>Optionale Muster, die ausgelassen werden, z. B. node_modules, *.log</translation>
    </message>
    <message>
        <source>Back Up</source>
        <translation>Sichern</translation>
    </message>
    <message>
        <source>Back up a folder below /workspace, /home, /tmp, /var/tmp or /app.</source>
        <translation>Sichern Sie einen Ordner unterhalb von /workspace, /home, /tmp, /var/tmp oder /app.</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Name:</translation>
    </message>
    <message>
        <source>&amp;Leave out:</source>
        <translation>&amp;Auslassen:</translation>
    </message>
    <message>
        <source>Backing up %1…</source>
        <translation>%1 wird gesichert …</translation>
    </message>
    <message>
        <source>Could not back up %1: %2</source>
        <translation>%1 konnte nicht gesichert werden: %2</translation>
    </message>
    <message>
        <source>Backed up %1 (%2).</source>
        <translation>%1 gesichert (%2).</translation>
    </message>
    <message>
        <source>Restore Backup</source>
        <translation>Sicherung wiederherstellen</translation>
    </message>
    <message>
        <source>Files made or changed in %1 since then are lost; the folder is replaced in one step, so a restore that fails leaves it as it is.</source>
        <translation>Seither in %1 erstellte oder geänderte Dateien gehen verloren; der Ordner wird in einem Schritt ersetzt, eine fehlschlagende Wiederherstellung lässt ihn also, wie er ist.</translation>
    </message>
    <message>
        <source>Restoring into %1…</source>
        <translation>Wiederherstellen in %1 …</translation>
    </message>
    <message>
        <source>Could not restore into %1: %2</source>
        <translation>Wiederherstellen in %1 fehlgeschlagen: %2</translation>
    </message>
    <message>
        <source>Restored %1.</source>
        <translation>%1 wiederhergestellt.</translation>
    </message>
    <message>
        <source>Delete Backup</source>
        <translation>Sicherung löschen</translation>
    </message>
    <message>
        <source>Delete the backup of %1 made %2? It cannot be restored afterwards.</source>
        <translation>Die Sicherung von %1 vom %2 löschen? Sie kann danach nicht mehr wiederhergestellt werden.</translation>
    </message>
    <message>
        <source>Could not delete the backup: %1</source>
        <translation>Die Sicherung konnte nicht gelöscht werden: %1</translation>
    </message>
    <message>
        <source>Save Backup Archive</source>
        <translation>Sicherungsarchiv speichern</translation>
    </message>
    <message>
        <source>squashfs archives (*.sqsh)</source>
        <translation>squashfs-Archive (*.sqsh)</translation>
    </message>
    <message>
        <source>Downloading the backup to %1…</source>
        <translation>Die Sicherung wird nach %1 heruntergeladen …</translation>
    </message>
    <message>
        <source>Saved the backup as %1.</source>
        <translation>Sicherung als %1 gespeichert.</translation>
    </message>
    <message>
        <source>Could not download the backup: %1</source>
        <translation>Die Sicherung konnte nicht heruntergeladen werden: %1</translation>
    </message>
    <message>
        <source>Import Backup Archive</source>
        <translation>Sicherungsarchiv importieren</translation>
    </message>
    <message>
        <source>squashfs archives (*.sqsh);;All files (*)</source>
        <translation>squashfs-Archive (*.sqsh);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Importing %1…</source>
        <translation>%1 wird importiert …</translation>
    </message>
    <message>
        <source>Could not import %1: %2</source>
        <translation>%1 konnte nicht importiert werden: %2</translation>
    </message>
    <message>
        <source>Imported %1: it restores into %2 (or Restore Into… elsewhere).</source>
        <translation>%1 importiert: Es wird in %2 wiederhergestellt (oder mit „Wiederherstellen in …“ anderswo).</translation>
    </message>
    <message>
        <source>%1 at %2</source>
        <translation>%1 bei %2</translation>
    </message>
    <message>
        <source>The credentials are not remembered: after a restart, Mount Again… asks for them.</source>
        <translation>Die Zugangsdaten sind nicht gespeichert: Nach einem Neustart fragt „Erneut einhängen …“ danach.</translation>
    </message>
    <message>
        <source>Mount at an absolute path below /, such as /workspace/data.</source>
        <translation>Hängen Sie an einem absoluten Pfad unterhalb von / ein, etwa /workspace/data.</translation>
    </message>
    <message>
        <source>%1 is where %2 is mounted already: choose another folder.</source>
        <translation>In %1 ist bereits %2 eingehängt: Wählen Sie einen anderen Ordner.</translation>
    </message>
    <message>
        <source>Unmount %1 from %2? Its objects stay in the bucket; programs in the sandbox using files there may fail, and files open in the Files pane are no longer the bucket&apos;s.</source>
        <translation>%1 aus %2 aushängen? Seine Objekte bleiben im Bucket; Programme in der Sandbox, die Dateien dort benutzen, können scheitern, und im Dateien-Bereich geöffnete Dateien gehören nicht mehr zum Bucket.</translation>
    </message>
    <message>
        <source>Forget Mount</source>
        <translation>Einhängung vergessen</translation>
    </message>
    <message>
        <source>Forget the mount of %1 at %2? It is not mounted now; it will not come back when the sandbox starts, and its remembered credentials are deleted.</source>
        <translation>Die Einhängung von %1 in %2 vergessen? Sie ist gerade nicht eingehängt; sie kehrt beim Start der Sandbox nicht zurück, und ihre gespeicherten Zugangsdaten werden gelöscht.</translation>
    </message>
    <message>
        <source>Forget</source>
        <translation>Vergessen</translation>
    </message>
    <message>
        <source>%1 is unmounted; the objects stay in the bucket.</source>
        <translation>%1 ist ausgehängt; die Objekte bleiben im Bucket.</translation>
    </message>
    <message>
        <source>The mount at %1 is forgotten.</source>
        <translation>Die Einhängung in %1 ist vergessen.</translation>
    </message>
    <message>
        <source>Download cancelled: nothing was saved.</source>
        <translation>Herunterladen abgebrochen: nichts wurde gespeichert.</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Import cancelled: no backup was added.</source>
        <translation>Import abgebrochen: keine Sicherung wurde hinzugefügt.</translation>
    </message>
    <message>
        <source>Replace everything in %1 with the backup of %2 made %3?</source>
        <translation>Den gesamten Inhalt von %1 durch die Sicherung von %2 vom %3 ersetzen?</translation>
    </message>
    <message>
        <source>Replace everything in %1 with the backup “%2” of %3, made %4?</source>
        <translation>Den gesamten Inhalt von %1 durch die Sicherung „%2“ von %3 vom %4 ersetzen?</translation>
    </message>
    <message>
        <source>what .gitignore names</source>
        <translation>was .gitignore nennt</translation>
    </message>
    <message>
        <source>What the backup left out (%1) is removed too.</source>
        <translation>Was die Sicherung ausgelassen hat (%1), wird ebenfalls entfernt.</translation>
    </message>
    <message>
        <source>No buckets are mounted. Mount Bucket… puts an S3-compatible bucket at a path in the sandbox, such as /workspace/data: its objects are files there, and files written there land in the bucket.</source>
        <translation>Keine Buckets eingehängt. „Bucket einhängen …“ legt einen S3-kompatiblen Bucket an einen Pfad in der Sandbox, etwa /workspace/data: Seine Objekte sind dort Dateien, und dort geschriebene Dateien landen im Bucket.</translation>
    </message>
    <message>
        <source>%1 is where the bucket %2 is mounted: unmount it first, or restore into another folder.</source>
        <translation>In %1 ist der Bucket %2 eingehängt: Hängen Sie ihn zuerst aus, oder stellen Sie in einen anderen Ordner wieder her.</translation>
    </message>
    <message>
        <source>Put %1 back as it was on %2?</source>
        <translation>%1 auf den Stand vom %2 zurücksetzen?</translation>
    </message>
    <message>
        <source>Put %1 back as it was on %2 (backup “%3”)?</source>
        <translation>%1 auf den Stand vom %2 zurücksetzen (Sicherung „%3“)?</translation>
    </message>
    <message>
        <source>Imported %1</source>
        <translation>Importiert am %1</translation>
    </message>
    <message>
        <source>Restore the backup of %1 into %2?</source>
        <translation>Die Sicherung von %1 in %2 wiederherstellen?</translation>
    </message>
    <message>
        <source>%1 is inside the bucket %2: what is restored is uploaded to the bucket.</source>
        <translation>%1 liegt im Bucket %2: Was wiederhergestellt wird, wird in den Bucket hochgeladen.</translation>
    </message>
    <message>
        <source>Buckets mounted below it stay mounted: %1.</source>
        <translation>Darunter eingehängte Buckets bleiben eingehängt: %1.</translation>
    </message>
    <message>
        <source>Leave out what .git&amp;ignore ignores</source>
        <translation>Auslassen, was .git&amp;ignore ignoriert</translation>
    </message>
    <message>
        <source>All that %1 holds now is deleted; the folder is replaced in one step, so a restore that fails leaves it as it is.</source>
        <translation>Alles, was %1 jetzt enthält, wird gelöscht; der Ordner wird in einem Schritt ersetzt, eine fehlschlagende Wiederherstellung lässt ihn also, wie er ist.</translation>
    </message>
    <message>
        <source>The sandbox is not running. Start it to back up, restore or mount buckets; its backups can be downloaded, imported or deleted meanwhile.</source>
        <translation>Die Sandbox läuft nicht. Starten Sie sie, um zu sichern, wiederherzustellen oder Buckets einzuhängen; ihre Sicherungen lassen sich derweil herunterladen, importieren oder löschen.</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>Starten</translation>
    </message>
    <message>
        <source>The sandbox is not running.</source>
        <translation>Die Sandbox läuft nicht.</translation>
    </message>
    <message>
        <source>The sandbox is not running: start it to mount %1.</source>
        <translation>Die Sandbox läuft nicht: Starten Sie sie, um %1 einzuhängen.</translation>
    </message>
</context>
<context>
    <name>sandbench::ui::TerminalPane</name>
    <message>
        <source>This sandbox is not running. Start it to use its terminals.</source>
        <translation>Diese Sandbox läuft nicht. Starten Sie sie, um ihre Terminals zu verwenden.</translation>
    </message>
    <message>
        <source>New Terminal</source>
        <translation>Neues Terminal</translation>
    </message>
    <message>
        <source>A shell in a new session of the sandbox (Ctrl+Shift+T)</source>
        <translation>Eine Shell in einer neuen Sitzung der Sandbox (Strg+Umschalt+T)</translation>
    </message>
    <message>
        <source>Attach to Session</source>
        <translation>Mit Sitzung verbinden</translation>
    </message>
    <message>
        <source>A terminal on the shell of an existing session (the Commands pane&apos;s, another tab&apos;s)</source>
        <translation>Ein Terminal auf der Shell einer bestehenden Sitzung (der des Bereichs Befehle, der eines anderen Tabs)</translation>
    </message>
    <message>
        <source>End Shell…</source>
        <translation>Shell beenden …</translation>
    </message>
    <message>
        <source>End the current terminal&apos;s shell and its session (closing the tab leaves it running)</source>
        <translation>Die Shell des aktuellen Terminals mit ihrer Sitzung beenden (Schließen des Tabs lässt sie laufen)</translation>
    </message>
    <message>
        <source>Font…</source>
        <translation>Schrift …</translation>
    </message>
    <message>
        <source>Close Terminal</source>
        <translation>Terminal schließen</translation>
    </message>
    <message>
        <source>New Terminal (Ctrl+Shift+T) opens a shell in the sandbox. Closing its tab leaves the shell running: Attach to Session shows it again.</source>
        <translation>Neues Terminal (Strg+Umschalt+T) öffnet eine Shell in der Sandbox. Das Schließen ihres Tabs lässt die Shell laufen: „Mit Sitzung verbinden“ zeigt sie wieder.</translation>
    </message>
    <message>
        <source>Listing sessions…</source>
        <translation>Sitzungen werden aufgelistet …</translation>
    </message>
    <message>
        <source>Could not list the sessions: %1</source>
        <translation>Die Sitzungen konnten nicht aufgelistet werden: %1</translation>
    </message>
    <message>
        <source>End Shell</source>
        <translation>Shell beenden</translation>
    </message>
    <message>
        <source>End the shell of session &quot;%1&quot;?</source>
        <translation>Die Shell der Sitzung „%1“ beenden?</translation>
    </message>
    <message>
        <source>The session ends with it: the programs running in its shell and its background processes stop, and every terminal on it closes.</source>
        <translation>Die Sitzung endet mit ihr: Die Programme in ihrer Shell und ihre Hintergrundprozesse halten an, und jedes Terminal auf ihr wird geschlossen.</translation>
    </message>
    <message>
        <source>Could not end the shell of session %1: %2</source>
        <translation>Die Shell der Sitzung %1 konnte nicht beendet werden: %2</translation>
    </message>
    <message>
        <source>Terminal Font</source>
        <translation>Terminalschrift</translation>
    </message>
    <message>
        <source>Session %1</source>
        <translation>Sitzung %1</translation>
    </message>
    <message>
        <source>Next Terminal</source>
        <translation>Nächstes Terminal</translation>
    </message>
    <message>
        <source>Previous Terminal</source>
        <translation>Vorheriges Terminal</translation>
    </message>
</context>
<context>
    <name>sandbench::ui::TerminalTab</name>
    <message>
        <source>Terminal of session %1</source>
        <translation>Terminal der Sitzung %1</translation>
    </message>
    <message>
        <source>The sandbox is stopped; this shell has ended. A new one starts with the sandbox.</source>
        <translation>Die Sandbox ist gestoppt; diese Shell ist beendet. Eine neue startet mit der Sandbox.</translation>
    </message>
    <message>
        <source>Reconnecting…</source>
        <translation>Neu verbinden …</translation>
    </message>
    <message>
        <source>The shell has ended (exit code %1).</source>
        <translation>Die Shell ist beendet (Exit-Code %1).</translation>
    </message>
    <message>
        <source>New Shell</source>
        <translation>Neue Shell</translation>
    </message>
    <message>
        <source>The connection to the shell was lost.</source>
        <translation>Die Verbindung zur Shell ist abgebrochen.</translation>
    </message>
    <message>
        <source>The connection to the shell was lost: %1</source>
        <translation>Die Verbindung zur Shell ist abgebrochen: %1</translation>
    </message>
    <message numerus="yes">
        <source>Reconnecting in %n s…</source>
        <translation>
            <numerusform>Neuer Versuch in %n s …</numerusform>
            <numerusform>Neuer Versuch in %n s …</numerusform>
        </translation>
    </message>
    <message>
        <source>Reconnect Now</source>
        <translation>Jetzt verbinden</translation>
    </message>
</context>
<context>
    <name>sandbench::ui::TerminalView</name>
    <message>
        <source>Copy</source>
        <translation>Kopieren</translation>
    </message>
    <message>
        <source>Paste</source>
        <translation>Einfügen</translation>
    </message>
    <message>
        <source>Select All</source>
        <translation>Alles auswählen</translation>
    </message>
    <message>
        <source>Clear Scrollback</source>
        <translation>Verlauf leeren</translation>
    </message>
</context>
<context>
    <name>sandbench::ui::Transfer</name>
    <message>
        <source>Cancelled</source>
        <translation>Abgebrochen</translation>
    </message>
</context>
<context>
    <name>sandbench::ui::TransferList</name>
    <message>
        <source>Transfer</source>
        <translation>Übertragung</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>Fortschritt</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Fertig</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>Entfernen</translation>
    </message>
</context>
</TS>
