<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE" sourcelanguage="en">
<context>
    <name>QObject</name>
    <message>
        <location filename="../app/sandbench/main.cpp" line="56"/>
        <source>Cannot read the token file %1: %2</source>
        <translation>Die Token-Datei %1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <location filename="../app/sandbench/main.cpp" line="93"/>
        <source>Sandbench</source>
        <translation>Sandbench</translation>
    </message>
    <message>
        <location filename="../app/sandbench/main.cpp" line="112"/>
        <source>Local, isolated sandboxes: the Sandbench workbench.</source>
        <translation>Lokale, isolierte Sandboxen: die Sandbench-Werkbank.</translation>
    </message>
    <message>
        <location filename="../app/sandbench/main.cpp" line="115"/>
        <source>Connect to the engine at URL instead of starting one.</source>
        <translation>Mit der Engine unter URL verbinden, statt eine zu starten.</translation>
    </message>
    <message>
        <location filename="../app/sandbench/main.cpp" line="116"/>
        <source>The engine&apos;s token (or its engine.json), with --engine.</source>
        <translation>Das Token der Engine (oder ihre engine.json), zusammen mit --engine.</translation>
    </message>
    <message>
        <location filename="../app/sandbench/main.cpp" line="117"/>
        <source>Where sandboxes live (default: the XDG data directory).</source>
        <translation>Ort der Sandboxen (Vorgabe: das XDG-Datenverzeichnis).</translation>
    </message>
    <message>
        <location filename="../app/sandbench/main.cpp" line="118"/>
        <source>Where engine.json is written (default: the XDG runtime directory).</source>
        <translation>Ort der engine.json (Vorgabe: das XDG-Laufzeitverzeichnis).</translation>
    </message>
    <message>
        <location filename="../app/sandbench/main.cpp" line="130"/>
        <source>The token file is empty.</source>
        <translation>Die Token-Datei ist leer.</translation>
    </message>
    <message>
        <location filename="../app/sandbench/main.cpp" line="143"/>
        <source>sandbenchd at %1</source>
        <translation>sandbenchd unter %1</translation>
    </message>
    <message>
        <location filename="../app/sandbench/main.cpp" line="150"/>
        <source>The engine could not start: %1</source>
        <translation>Die Engine konnte nicht starten: %1</translation>
    </message>
    <message>
        <location filename="../app/sandbench/main.cpp" line="154"/>
        <source>embedded, at %1</source>
        <translation>eingebettet, unter %1</translation>
    </message>
    <message>
        <location filename="../ui/panes/commands/CommandDialogs.cpp" line="44"/>
        <source>The working directory must be an absolute path.</source>
        <translation>Das Arbeitsverzeichnis muss ein absoluter Pfad sein.</translation>
    </message>
    <message>
        <location filename="../ui/panes/commands/CommandDialogs.cpp" line="36"/>
        <source>&amp;Working directory:</source>
        <translation>&amp;Arbeitsverzeichnis:</translation>
    </message>
    <message>
        <location filename="../ui/panes/commands/CommandDialogs.cpp" line="37"/>
        <source>&amp;Environment:</source>
        <translation>&amp;Umgebung:</translation>
    </message>
</context>
<context>
    <name>sandbench::ui::CodeEditor</name>
    <message>
        <location filename="../ui/widgets/CodeEditor.cpp" line="73"/>
        <source>Find</source>
        <translation>Suchen</translation>
    </message>
    <message>
        <location filename="../ui/widgets/CodeEditor.cpp" line="77"/>
        <source>Previous match (Shift+F3)</source>
        <translation>Vorheriger Treffer (Umschalt+F3)</translation>
    </message>
    <message>
        <location filename="../ui/widgets/CodeEditor.cpp" line="80"/>
        <source>Next match (F3)</source>
        <translation>Nächster Treffer (F3)</translation>
    </message>
    <message>
        <location filename="../ui/widgets/CodeEditor.cpp" line="84"/>
        <source>Close (Escape)</source>
        <translation>Schließen (Esc)</translation>
    </message>
</context>
<context>
    <name>sandbench::ui::CommandLog</name>
    <message>
        <location filename="../ui/widgets/CommandLog.cpp" line="39"/>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <location filename="../ui/widgets/CommandLog.cpp" line="41"/>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <location filename="../ui/widgets/CommandLog.cpp" line="42"/>
        <source>%1 min %2 s</source>
        <translation>%1 min %2 s</translation>
    </message>
    <message>
        <location filename="../ui/widgets/CommandLog.cpp" line="85"/>
        <source>$ %1    [%2, %3]</source>
        <translation>$ %1    [%2, %3]</translation>
    </message>
    <message>
        <location filename="../ui/widgets/CommandLog.cpp" line="109"/>
        <source>exit %1 · %2</source>
        <translation>Exit %1 · %2</translation>
    </message>
    <message>
        <location filename="../ui/widgets/CommandLog.cpp" line="112"/>
        <source>did not complete · %1 · %2</source>
        <translation>nicht beendet · %1 · %2</translation>
    </message>
    <message>
        <location filename="../ui/widgets/CommandLog.cpp" line="177"/>
        <source>[… %1 characters of output skipped to keep up …]</source>
        <translation>[… %1 Zeichen der Ausgabe übersprungen, um Schritt zu halten …]</translation>
    </message>
</context>
<context>
    <name>sandbench::ui::CommandsPane</name>
    <message>
        <location filename="../ui/panes/commands/CommandsPane.cpp" line="40"/>
        <source>This sandbox is not running. Start it to run commands.</source>
        <translation>Diese Sandbox läuft nicht. Starten Sie sie, um Befehle auszuführen.</translation>
    </message>
    <message>
        <location filename="../ui/panes/commands/CommandsPane.cpp" line="42"/>
        <location filename="../ui/panes/commands/CommandsPane.cpp" line="250"/>
        <location filename="../ui/panes/commands/CommandsPane.cpp" line="266"/>
        <source>Run</source>
        <translation>Ausführen</translation>
    </message>
    <message>
        <location filename="../ui/panes/commands/CommandsPane.cpp" line="48"/>
        <source>The shell the commands run in: each session keeps its own directory and environment</source>
        <translation>Die Shell, in der die Befehle laufen: jede Sitzung behält ihr eigenes Verzeichnis und ihre Umgebung</translation>
    </message>
    <message>
        <location filename="../ui/panes/commands/CommandsPane.cpp" line="49"/>
        <source>New Session…</source>
        <translation>Neue Sitzung …</translation>
    </message>
    <message>
        <location filename="../ui/panes/commands/CommandsPane.cpp" line="50"/>
        <location filename="../ui/panes/commands/CommandsPane.cpp" line="317"/>
        <source>Delete Session</source>
        <translation>Sitzung löschen</translation>
    </message>
    <message>
        <location filename="../ui/panes/commands/CommandsPane.cpp" line="54"/>
        <source>S&amp;ession:</source>
        <translation>S&amp;itzung:</translation>
    </message>
    <message>
        <location filename="../ui/panes/commands/CommandsPane.cpp" line="63"/>
        <source>Command to run in the session, e.g. ls -la (Enter runs, Up/Down for history)</source>
        <translation>Befehl für die Sitzung, z. B. ls -la (Eingabe führt aus, Auf/Ab für den Verlauf)</translation>
    </message>
    <message>
        <location filename="../ui/panes/commands/CommandsPane.cpp" line="91"/>
        <location filename="../ui/panes/commands/CommandsPane.cpp" line="109"/>
        <source>Background processes</source>
        <translation>Hintergrundprozesse</translation>
    </message>
    <message>
        <location filename="../ui/panes/commands/CommandsPane.cpp" line="95"/>
        <source>Start…</source>
        <translation>Starten …</translation>
    </message>
    <message>
        <location filename="../ui/panes/commands/CommandsPane.cpp" line="97"/>
        <source>Follow Logs</source>
        <translation>Ausgabe verfolgen</translation>
    </message>
    <message>
        <location filename="../ui/panes/commands/CommandsPane.cpp" line="99"/>
        <source>Kill</source>
        <translation>Beenden</translation>
    </message>
    <message>
        <location filename="../ui/panes/commands/CommandsPane.cpp" line="101"/>
        <source>Kill All</source>
        <translation>Alle beenden</translation>
    </message>
    <message>
        <location filename="../ui/panes/commands/CommandsPane.cpp" line="112"/>
        <source>Double-click a process to follow its output here.</source>
        <translation>Doppelklicken Sie auf einen Prozess, um seine Ausgabe hier zu verfolgen.</translation>
    </message>
    <message>
        <location filename="../ui/panes/commands/CommandsPane.cpp" line="119"/>
        <source>Output of the commands you run appears here, one block per command.</source>
        <translation>Die Ausgabe Ihrer Befehle erscheint hier, ein Block pro Befehl.</translation>
    </message>
    <message>
        <location filename="../ui/panes/commands/CommandsPane.cpp" line="234"/>
        <source>Stop</source>
        <translation>Stopp</translation>
    </message>
    <message>
        <location filename="../ui/panes/commands/CommandsPane.cpp" line="265"/>
        <source>stopped</source>
        <translation>gestoppt</translation>
    </message>
    <message>
        <location filename="../ui/panes/commands/CommandsPane.cpp" line="296"/>
        <source>Could not create the session: %1</source>
        <translation>Die Sitzung konnte nicht angelegt werden: %1</translation>
    </message>
    <message>
        <location filename="../ui/panes/commands/CommandsPane.cpp" line="318"/>
        <source>Delete the session &quot;%1&quot;? Its shell and its background processes end.</source>
        <translation>Die Sitzung „%1“ löschen? Ihre Shell und ihre Hintergrundprozesse werden beendet.</translation>
    </message>
    <message>
        <location filename="../ui/panes/commands/CommandsPane.cpp" line="324"/>
        <source>Could not delete the session %1: %2</source>
        <translation>Die Sitzung %1 konnte nicht gelöscht werden: %2</translation>
    </message>
    <message>
        <location filename="../ui/panes/commands/CommandsPane.cpp" line="345"/>
        <source>Could not start the process: %1</source>
        <translation>Der Prozess konnte nicht gestartet werden: %1</translation>
    </message>
    <message>
        <location filename="../ui/panes/commands/CommandsPane.cpp" line="382"/>
        <source>Output of %1:</source>
        <translation>Ausgabe von %1:</translation>
    </message>
    <message>
        <location filename="../ui/panes/commands/CommandsPane.cpp" line="391"/>
        <source>$ %1</source>
        <translation>$ %1</translation>
    </message>
    <message>
        <location filename="../ui/panes/commands/CommandsPane.cpp" line="399"/>
        <source>The log stream ended: %1</source>
        <translation>Der Ausgabestrom wurde beendet: %1</translation>
    </message>
    <message>
        <location filename="../ui/panes/commands/CommandsPane.cpp" line="412"/>
        <source>Could not kill %1: %2</source>
        <translation>%1 konnte nicht beendet werden: %2</translation>
    </message>
    <message>
        <location filename="../ui/panes/commands/CommandsPane.cpp" line="422"/>
        <source>Could not kill the processes: %1</source>
        <translation>Die Prozesse konnten nicht beendet werden: %1</translation>
    </message>
</context>
<context>
    <name>sandbench::ui::EnvironmentTable</name>
    <message>
        <location filename="../ui/widgets/EnvironmentTable.cpp" line="14"/>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../ui/widgets/EnvironmentTable.cpp" line="14"/>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <location filename="../ui/widgets/EnvironmentTable.cpp" line="18"/>
        <source>Add</source>
        <translation>Hinzufügen</translation>
    </message>
    <message>
        <location filename="../ui/widgets/EnvironmentTable.cpp" line="19"/>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <location filename="../ui/widgets/EnvironmentTable.cpp" line="66"/>
        <source>&quot;%1&quot; is not a valid variable name.</source>
        <translation>„%1“ ist kein gültiger Variablenname.</translation>
    </message>
</context>
<context>
    <name>sandbench::ui::EventStream</name>
    <message>
        <location filename="../ui/client/EventStream.cpp" line="67"/>
        <source>The engine closed the connection</source>
        <translation>Die Engine hat die Verbindung geschlossen</translation>
    </message>
    <message>
        <location filename="../ui/client/EventStream.cpp" line="69"/>
        <source>No answer from the engine</source>
        <translation>Keine Antwort von der Engine</translation>
    </message>
    <message>
        <location filename="../ui/client/EventStream.cpp" line="74"/>
        <source>HTTP status %1</source>
        <translation>HTTP-Status %1</translation>
    </message>
</context>
<context>
    <name>sandbench::ui::FileEditor</name>
    <message>
        <location filename="../ui/panes/files/FileEditor.cpp" line="72"/>
        <source>Loading %1…</source>
        <translation>%1 wird geladen …</translation>
    </message>
    <message>
        <location filename="../ui/panes/files/FileEditor.cpp" line="81"/>
        <source>%1 is too large to open here. Download it instead.</source>
        <translation>%1 ist zu groß, um hier geöffnet zu werden. Laden Sie die Datei stattdessen herunter.</translation>
    </message>
    <message>
        <location filename="../ui/panes/files/FileEditor.cpp" line="83"/>
        <source>Could not open %1: %2</source>
        <translation>%1 konnte nicht geöffnet werden: %2</translation>
    </message>
    <message>
        <location filename="../ui/panes/files/FileEditor.cpp" line="123"/>
        <source>%1 × %2 pixels, %3</source>
        <translation>%1 × %2 Pixel, %3</translation>
    </message>
    <message>
        <location filename="../ui/panes/files/FileEditor.cpp" line="126"/>
        <source>%1

Binary file: %2, %3. It is not opened as text.</source>
        <translation>%1

Binärdatei: %2, %3. Sie wird nicht als Text geöffnet.</translation>
    </message>
    <message>
        <location filename="../ui/panes/files/FileEditor.cpp" line="127"/>
        <source>unknown type</source>
        <translation>unbekannter Typ</translation>
    </message>
    <message>
        <location filename="../ui/panes/files/FileEditor.cpp" line="153"/>
        <source>Could not save %1: %2</source>
        <translation>%1 konnte nicht gespeichert werden: %2</translation>
    </message>
    <message>
        <location filename="../ui/panes/files/FileEditor.cpp" line="174"/>
        <source>%1 changed in the sandbox. Press F5 to load that version (your edits are lost), or Ctrl+S to keep yours.</source>
        <translation>%1 wurde in der Sandbox geändert. F5 lädt diese Fassung (Ihre Änderungen gehen verloren), Strg+S behält Ihre.</translation>
    </message>
    <message>
        <location filename="../ui/panes/files/FileEditor.cpp" line="186"/>
        <source>%1 was deleted in the sandbox. Ctrl+S writes it again.</source>
        <translation>%1 wurde in der Sandbox gelöscht. Strg+S schreibt die Datei erneut.</translation>
    </message>
</context>
<context>
    <name>sandbench::ui::FileTreeModel</name>
    <message>
        <location filename="../ui/models/FileTreeModel.cpp" line="257"/>
        <source>%1 (symbolic link)</source>
        <translation>%1 (symbolische Verknüpfung)</translation>
    </message>
    <message>
        <location filename="../ui/models/FileTreeModel.cpp" line="282"/>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../ui/models/FileTreeModel.cpp" line="284"/>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <location filename="../ui/models/FileTreeModel.cpp" line="286"/>
        <source>Modified</source>
        <translation>Geändert</translation>
    </message>
    <message>
        <location filename="../ui/models/FileTreeModel.cpp" line="288"/>
        <source>Permissions</source>
        <translation>Rechte</translation>
    </message>
    <message>
        <location filename="../ui/models/FileTreeModel.cpp" line="312"/>
        <source>&quot;%1&quot; is not a valid name.</source>
        <translation>„%1“ ist kein gültiger Name.</translation>
    </message>
    <message>
        <location filename="../ui/models/FileTreeModel.cpp" line="323"/>
        <source>Could not rename %1: %2</source>
        <translation>%1 konnte nicht umbenannt werden: %2</translation>
    </message>
    <message>
        <location filename="../ui/models/FileTreeModel.cpp" line="347"/>
        <source>Could not list %1: %2</source>
        <translation>%1 konnte nicht aufgelistet werden: %2</translation>
    </message>
    <message>
        <location filename="../ui/models/FileTreeModel.cpp" line="602"/>
        <source>Could not move %1: %2</source>
        <translation>%1 konnte nicht verschoben werden: %2</translation>
    </message>
</context>
<context>
    <name>sandbench::ui::FilesPane</name>
    <message>
        <location filename="../ui/panes/files/FilesPane.cpp" line="121"/>
        <source>Files</source>
        <translation>Dateien</translation>
    </message>
    <message>
        <location filename="../ui/panes/files/FilesPane.cpp" line="132"/>
        <source>Double-click a file to open it.</source>
        <translation>Doppelklicken Sie auf eine Datei, um sie zu öffnen.</translation>
    </message>
    <message>
        <location filename="../ui/panes/files/FilesPane.cpp" line="109"/>
        <source>This sandbox is not running. Start it to browse its files.</source>
        <translation>Diese Sandbox läuft nicht. Starten Sie sie, um ihre Dateien zu sehen.</translation>
    </message>
    <message>
        <location filename="../ui/panes/files/FilesPane.cpp" line="214"/>
        <source>New &amp;File…</source>
        <translation>Neue &amp;Datei …</translation>
    </message>
    <message>
        <location filename="../ui/panes/files/FilesPane.cpp" line="216"/>
        <source>New F&amp;older…</source>
        <translation>Neuer &amp;Ordner …</translation>
    </message>
    <message>
        <location filename="../ui/panes/files/FilesPane.cpp" line="218"/>
        <source>&amp;Rename</source>
        <translation>&amp;Umbenennen</translation>
    </message>
    <message>
        <location filename="../ui/panes/files/FilesPane.cpp" line="222"/>
        <source>&amp;Delete…</source>
        <translation>&amp;Löschen …</translation>
    </message>
    <message>
        <location filename="../ui/panes/files/FilesPane.cpp" line="223"/>
        <source>&amp;Upload…</source>
        <translation>&amp;Hochladen …</translation>
    </message>
    <message>
        <location filename="../ui/panes/files/FilesPane.cpp" line="225"/>
        <source>Do&amp;wnload…</source>
        <translation>&amp;Herunterladen …</translation>
    </message>
    <message>
        <location filename="../ui/panes/files/FilesPane.cpp" line="227"/>
        <source>Re&amp;fresh</source>
        <translation>&amp;Aktualisieren</translation>
    </message>
    <message>
        <location filename="../ui/panes/files/FilesPane.cpp" line="286"/>
        <source>The live view of the files stopped: %1</source>
        <translation>Die Live-Ansicht der Dateien wurde beendet: %1</translation>
    </message>
    <message>
        <location filename="../ui/panes/files/FilesPane.cpp" line="346"/>
        <source>Unsaved Changes</source>
        <translation>Ungespeicherte Änderungen</translation>
    </message>
    <message>
        <location filename="../ui/panes/files/FilesPane.cpp" line="346"/>
        <source>Save the changes to %1 before closing?</source>
        <translation>Änderungen an %1 vor dem Schließen speichern?</translation>
    </message>
    <message>
        <location filename="../ui/panes/files/FilesPane.cpp" line="363"/>
        <source>New File</source>
        <translation>Neue Datei</translation>
    </message>
    <message>
        <location filename="../ui/panes/files/FilesPane.cpp" line="363"/>
        <source>Name of the new file in %1:</source>
        <translation>Name der neuen Datei in %1:</translation>
    </message>
    <message>
        <location filename="../ui/panes/files/FilesPane.cpp" line="368"/>
        <source>%1 already exists.</source>
        <translation>%1 existiert bereits.</translation>
    </message>
    <message>
        <location filename="../ui/panes/files/FilesPane.cpp" line="374"/>
        <location filename="../ui/panes/files/FilesPane.cpp" line="390"/>
        <source>Could not create %1: %2</source>
        <translation>%1 konnte nicht angelegt werden: %2</translation>
    </message>
    <message>
        <location filename="../ui/panes/files/FilesPane.cpp" line="383"/>
        <source>New Folder</source>
        <translation>Neuer Ordner</translation>
    </message>
    <message>
        <location filename="../ui/panes/files/FilesPane.cpp" line="383"/>
        <source>Name of the new folder in %1:</source>
        <translation>Name des neuen Ordners in %1:</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/panes/files/FilesPane.cpp" line="399"/>
        <source>%n items</source>
        <translation>
            <numerusform>%n Eintrag</numerusform>
            <numerusform>%n Einträge</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/panes/files/FilesPane.cpp" line="400"/>
        <source>Delete</source>
        <translation>Löschen</translation>
    </message>
    <message>
        <location filename="../ui/panes/files/FilesPane.cpp" line="400"/>
        <source>Delete %1 from the sandbox? This cannot be undone.</source>
        <translation>%1 aus der Sandbox löschen? Das lässt sich nicht rückgängig machen.</translation>
    </message>
    <message>
        <location filename="../ui/panes/files/FilesPane.cpp" line="409"/>
        <source>Could not delete %1: %2</source>
        <translation>%1 konnte nicht gelöscht werden: %2</translation>
    </message>
    <message>
        <location filename="../ui/panes/files/FilesPane.cpp" line="425"/>
        <location filename="../ui/panes/files/FilesPane.cpp" line="439"/>
        <location filename="../ui/panes/files/FilesPane.cpp" line="453"/>
        <source>%1 → %2</source>
        <translation>%1 → %2</translation>
    </message>
    <message>
        <location filename="../ui/panes/files/FilesPane.cpp" line="446"/>
        <source>Upload Files</source>
        <translation>Dateien hochladen</translation>
    </message>
    <message>
        <location filename="../ui/panes/files/FilesPane.cpp" line="462"/>
        <source>Download</source>
        <translation>Herunterladen</translation>
    </message>
    <message>
        <location filename="../ui/panes/files/FilesPane.cpp" line="467"/>
        <source>Download Into</source>
        <translation>Herunterladen nach</translation>
    </message>
    <message>
        <location filename="../ui/panes/files/FilesPane.cpp" line="480"/>
        <source>Could not list %1: %2</source>
        <translation>%1 konnte nicht aufgelistet werden: %2</translation>
    </message>
</context>
<context>
    <name>sandbench::ui::MainWindow</name>
    <message>
        <location filename="../ui/window/MainWindow.cpp" line="65"/>
        <source>Engine: %1</source>
        <translation>Engine: %1</translation>
    </message>
    <message>
        <location filename="../ui/window/MainWindow.cpp" line="66"/>
        <source>Connecting to the engine…</source>
        <translation>Verbindung zur Engine wird aufgebaut …</translation>
    </message>
    <message>
        <location filename="../ui/window/MainWindow.cpp" line="79"/>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <location filename="../ui/window/MainWindow.cpp" line="81"/>
        <source>&amp;New Sandbox…</source>
        <translation>&amp;Neue Sandbox …</translation>
    </message>
    <message>
        <location filename="../ui/window/MainWindow.cpp" line="84"/>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <location filename="../ui/window/MainWindow.cpp" line="88"/>
        <source>&amp;Sandbox</source>
        <translation>&amp;Sandbox</translation>
    </message>
    <message>
        <location filename="../ui/window/MainWindow.cpp" line="89"/>
        <source>&amp;Start</source>
        <translation>&amp;Starten</translation>
    </message>
    <message>
        <location filename="../ui/window/MainWindow.cpp" line="92"/>
        <source>S&amp;top</source>
        <translation>S&amp;toppen</translation>
    </message>
    <message>
        <location filename="../ui/window/MainWindow.cpp" line="96"/>
        <source>&amp;Destroy…</source>
        <translation>&amp;Löschen …</translation>
    </message>
    <message>
        <location filename="../ui/window/MainWindow.cpp" line="100"/>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <location filename="../ui/window/MainWindow.cpp" line="101"/>
        <source>&amp;About Sandbench</source>
        <translation>&amp;Über Sandbench</translation>
    </message>
    <message>
        <location filename="../ui/window/MainWindow.cpp" line="109"/>
        <location filename="../ui/window/MainWindow.cpp" line="125"/>
        <source>Sandboxes</source>
        <translation>Sandboxen</translation>
    </message>
    <message>
        <location filename="../ui/window/MainWindow.cpp" line="130"/>
        <source>No sandboxes yet: create one.</source>
        <translation>Noch keine Sandboxen: legen Sie eine an.</translation>
    </message>
    <message>
        <location filename="../ui/window/MainWindow.cpp" line="131"/>
        <source>New Sandbox…</source>
        <translation>Neue Sandbox …</translation>
    </message>
    <message>
        <location filename="../ui/window/MainWindow.cpp" line="148"/>
        <source>Select a sandbox to see its files, commands and details.</source>
        <translation>Wählen Sie eine Sandbox, um ihre Dateien, Befehle und Details zu sehen.</translation>
    </message>
    <message>
        <location filename="../ui/window/MainWindow.cpp" line="172"/>
        <source>Connected</source>
        <translation>Verbunden</translation>
    </message>
    <message>
        <location filename="../ui/window/MainWindow.cpp" line="185"/>
        <source>Engine connection closed; reconnecting…</source>
        <translation>Verbindung zur Engine beendet; neuer Versuch …</translation>
    </message>
    <message>
        <location filename="../ui/window/MainWindow.cpp" line="186"/>
        <source>Engine unreachable (%1); reconnecting…</source>
        <translation>Engine nicht erreichbar (%1); neuer Versuch …</translation>
    </message>
    <message>
        <location filename="../ui/window/MainWindow.cpp" line="272"/>
        <source>Could not create %1: %2</source>
        <translation>%1 konnte nicht angelegt werden: %2</translation>
    </message>
    <message>
        <location filename="../ui/window/MainWindow.cpp" line="287"/>
        <source>Could not start %1: %2</source>
        <translation>%1 konnte nicht gestartet werden: %2</translation>
    </message>
    <message>
        <location filename="../ui/window/MainWindow.cpp" line="293"/>
        <source>Could not stop %1: %2</source>
        <translation>%1 konnte nicht gestoppt werden: %2</translation>
    </message>
    <message>
        <location filename="../ui/window/MainWindow.cpp" line="299"/>
        <source>Could not destroy %1: %2</source>
        <translation>%1 konnte nicht gelöscht werden: %2</translation>
    </message>
    <message>
        <location filename="../ui/window/MainWindow.cpp" line="308"/>
        <source>Destroy Sandbox</source>
        <translation>Sandbox löschen</translation>
    </message>
    <message>
        <location filename="../ui/window/MainWindow.cpp" line="309"/>
        <source>Destroy &quot;%1&quot;? Its processes are stopped and its workspace is deleted. This cannot be undone.</source>
        <translation>„%1“ löschen? Ihre Prozesse werden beendet und ihr Arbeitsbereich wird gelöscht. Das lässt sich nicht rückgängig machen.</translation>
    </message>
    <message>
        <location filename="../ui/window/MainWindow.cpp" line="317"/>
        <source>About Sandbench</source>
        <translation>Über Sandbench</translation>
    </message>
    <message>
        <location filename="../ui/window/MainWindow.cpp" line="318"/>
        <source>&lt;h3&gt;Sandbench %1&lt;/h3&gt;&lt;p&gt;Local, isolated sandboxes on your own machine: commands, files, watching and more, offline and without Docker.&lt;/p&gt;&lt;p&gt;Qt %2&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Sandbench %1&lt;/h3&gt;&lt;p&gt;Lokale, isolierte Sandboxen auf dem eigenen Rechner: Befehle, Dateien, Beobachtung und mehr, offline und ohne Docker.&lt;/p&gt;&lt;p&gt;Qt %2&lt;/p&gt;</translation>
    </message>
    <message>
        <location filename="../ui/window/MainWindow.cpp" line="340"/>
        <source>Quit Sandbench</source>
        <translation>Sandbench beenden</translation>
    </message>
    <message>
        <location filename="../ui/window/MainWindow.cpp" line="341"/>
        <source>1 sandbox is still running.</source>
        <translation>1 Sandbox läuft noch.</translation>
    </message>
    <message>
        <location filename="../ui/window/MainWindow.cpp" line="342"/>
        <source>%1 sandboxes are still running.</source>
        <translation>%1 Sandboxes laufen noch.</translation>
    </message>
    <message>
        <location filename="../ui/window/MainWindow.cpp" line="344"/>
        <source>Running sandboxes can keep running after Sandbench quits (they stop by themselves when idle, unless kept alive) or stop now.</source>
        <translation>Laufende Sandboxes können nach dem Beenden von Sandbench weiterlaufen (sie halten im Leerlauf von selbst an, außer sie sollen weiterlaufen) oder jetzt angehalten werden.</translation>
    </message>
    <message>
        <location filename="../ui/window/MainWindow.cpp" line="346"/>
        <source>Keep Running</source>
        <translation>Weiterlaufen lassen</translation>
    </message>
    <message>
        <location filename="../ui/window/MainWindow.cpp" line="347"/>
        <source>Stop Sandboxes</source>
        <translation>Sandboxes anhalten</translation>
    </message>
</context>
<context>
    <name>sandbench::ui::MessageBanner</name>
    <message>
        <location filename="../ui/widgets/MessageBanner.cpp" line="17"/>
        <source>Dismiss</source>
        <translation>Schließen</translation>
    </message>
</context>
<context>
    <name>sandbench::ui::NewSandboxDialog</name>
    <message>
        <location filename="../ui/window/NewSandboxDialog.cpp" line="51"/>
        <source>New Sandbox</source>
        <translation>Neue Sandbox</translation>
    </message>
    <message>
        <location filename="../ui/window/NewSandboxDialog.cpp" line="52"/>
        <source>for example my-project</source>
        <translation>zum Beispiel mein-projekt</translation>
    </message>
    <message>
        <location filename="../ui/window/NewSandboxDialog.cpp" line="54"/>
        <source>Lower-case letters, digits and dashes; at most 63 characters</source>
        <translation>Kleinbuchstaben, Ziffern und Bindestriche; höchstens 63 Zeichen</translation>
    </message>
    <message>
        <location filename="../ui/window/NewSandboxDialog.cpp" line="56"/>
        <source>Keep running while idle</source>
        <translation>Auch im Leerlauf weiterlaufen</translation>
    </message>
    <message>
        <location filename="../ui/window/NewSandboxDialog.cpp" line="57"/>
        <source>default (10m)</source>
        <translation>Vorgabe (10m)</translation>
    </message>
    <message>
        <location filename="../ui/window/NewSandboxDialog.cpp" line="58"/>
        <source>Idle time before the sandbox sleeps: 30s, 10m, 1h, 1d</source>
        <translation>Leerlaufzeit, bevor die Sandbox schläft: 30s, 10m, 1h, 1d</translation>
    </message>
    <message>
        <location filename="../ui/window/NewSandboxDialog.cpp" line="64"/>
        <source> MiB</source>
        <translation> MiB</translation>
    </message>
    <message>
        <location filename="../ui/window/NewSandboxDialog.cpp" line="66"/>
        <source>Memory for the sandbox&apos;s processes and its /tmp, /var, /home</source>
        <translation>Speicher für die Prozesse der Sandbox und ihre /tmp, /var, /home</translation>
    </message>
    <message>
        <location filename="../ui/window/NewSandboxDialog.cpp" line="70"/>
        <source>no cap</source>
        <translation>unbegrenzt</translation>
    </message>
    <message>
        <location filename="../ui/window/NewSandboxDialog.cpp" line="71"/>
        <source>CPU time in cores (0.5 is half a core)</source>
        <translation>Rechenzeit in Kernen (0,5 ist ein halber Kern)</translation>
    </message>
    <message>
        <location filename="../ui/window/NewSandboxDialog.cpp" line="74"/>
        <source>Processes and threads</source>
        <translation>Prozesse und Threads</translation>
    </message>
    <message>
        <location filename="../ui/window/NewSandboxDialog.cpp" line="77"/>
        <source>CPUs:</source>
        <translation>CPUs:</translation>
    </message>
    <message>
        <location filename="../ui/window/NewSandboxDialog.cpp" line="79"/>
        <source>Processes:</source>
        <translation>Prozesse:</translation>
    </message>
    <message>
        <location filename="../ui/window/NewSandboxDialog.cpp" line="83"/>
        <source>Sandbox &amp;ID:</source>
        <translation>Sandbox-&amp;ID:</translation>
    </message>
    <message>
        <location filename="../ui/window/NewSandboxDialog.cpp" line="84"/>
        <source>&amp;Environment:</source>
        <translation>&amp;Umgebung:</translation>
    </message>
    <message>
        <location filename="../ui/window/NewSandboxDialog.cpp" line="88"/>
        <source>&amp;Sleep after:</source>
        <translation>&amp;Schlafen nach:</translation>
    </message>
    <message>
        <location filename="../ui/window/NewSandboxDialog.cpp" line="89"/>
        <source>&amp;Memory:</source>
        <translation>&amp;Speicher:</translation>
    </message>
    <message>
        <location filename="../ui/window/NewSandboxDialog.cpp" line="96"/>
        <source>Create</source>
        <translation>Anlegen</translation>
    </message>
    <message>
        <location filename="../ui/window/NewSandboxDialog.cpp" line="138"/>
        <source>The ID must start and end with a letter or digit.</source>
        <translation>Die ID muss mit einem Buchstaben oder einer Ziffer beginnen und enden.</translation>
    </message>
    <message>
        <location filename="../ui/window/NewSandboxDialog.cpp" line="142"/>
        <source>Sleep after must look like 30s, 10m, 1h or 1d.</source>
        <translation>„Schlafen nach“ muss wie 30s, 10m, 1h oder 1d aussehen.</translation>
    </message>
</context>
<context>
    <name>sandbench::ui::NewSessionDialog</name>
    <message>
        <location filename="../ui/panes/commands/CommandDialogs.cpp" line="53"/>
        <source>New Session</source>
        <translation>Neue Sitzung</translation>
    </message>
    <message>
        <location filename="../ui/panes/commands/CommandDialogs.cpp" line="54"/>
        <source>generated when empty</source>
        <translation>wird erzeugt, wenn leer</translation>
    </message>
    <message>
        <location filename="../ui/panes/commands/CommandDialogs.cpp" line="57"/>
        <source>Session &amp;ID:</source>
        <translation>Sitzungs-&amp;ID:</translation>
    </message>
    <message>
        <location filename="../ui/panes/commands/CommandDialogs.cpp" line="60"/>
        <source>Create</source>
        <translation>Anlegen</translation>
    </message>
    <message>
        <location filename="../ui/panes/commands/CommandDialogs.cpp" line="73"/>
        <source>Session IDs use letters, digits, &apos;.&apos;, &apos;_&apos; and &apos;-&apos;.</source>
        <translation>Sitzungs-IDs bestehen aus Buchstaben, Ziffern, „.“, „_“ und „-“.</translation>
    </message>
</context>
<context>
    <name>sandbench::ui::OverviewPane</name>
    <message>
        <location filename="../ui/panes/overview/OverviewPane.cpp" line="45"/>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../ui/panes/overview/OverviewPane.cpp" line="45"/>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <location filename="../ui/panes/overview/OverviewPane.cpp" line="52"/>
        <source>Status:</source>
        <translation>Status:</translation>
    </message>
    <message>
        <location filename="../ui/panes/overview/OverviewPane.cpp" line="53"/>
        <source>Created:</source>
        <translation>Angelegt:</translation>
    </message>
    <message>
        <location filename="../ui/panes/overview/OverviewPane.cpp" line="54"/>
        <source>When idle:</source>
        <translation>Im Leerlauf:</translation>
    </message>
    <message>
        <location filename="../ui/panes/overview/OverviewPane.cpp" line="57"/>
        <source>Limits:</source>
        <translation>Grenzen:</translation>
    </message>
    <message>
        <location filename="../ui/panes/overview/OverviewPane.cpp" line="58"/>
        <source>Out-of-memory kills:</source>
        <translation>Wegen Speichermangel beendet:</translation>
    </message>
    <message>
        <location filename="../ui/panes/overview/OverviewPane.cpp" line="59"/>
        <source>Last error:</source>
        <translation>Letzter Fehler:</translation>
    </message>
    <message>
        <location filename="../ui/panes/overview/OverviewPane.cpp" line="63"/>
        <source>Environment variables:</source>
        <translation>Umgebungsvariablen:</translation>
    </message>
    <message>
        <location filename="../ui/panes/overview/OverviewPane.cpp" line="77"/>
        <source>Keeps running</source>
        <translation>Läuft weiter</translation>
    </message>
    <message>
        <location filename="../ui/panes/overview/OverviewPane.cpp" line="83"/>
        <location filename="../ui/panes/overview/OverviewPane.cpp" line="88"/>
        <source>None</source>
        <translation>Keiner</translation>
    </message>
    <message>
        <location filename="../ui/panes/overview/OverviewPane.cpp" line="84"/>
        <source>1 process killed at the memory limit since the last start</source>
        <translation>1 Prozess seit dem letzten Start an der Speichergrenze beendet</translation>
    </message>
    <message>
        <location filename="../ui/panes/overview/OverviewPane.cpp" line="85"/>
        <source>%1 processes killed at the memory limit since the last start</source>
        <translation>%1 Prozesse seit dem letzten Start an der Speichergrenze beendet</translation>
    </message>
    <message>
        <location filename="../ui/panes/overview/OverviewPane.cpp" line="109"/>
        <source>Unknown</source>
        <translation>Unbekannt</translation>
    </message>
    <message>
        <location filename="../ui/panes/overview/OverviewPane.cpp" line="113"/>
        <source>%1 MiB memory, %2, %3 processes</source>
        <translation>%1 MiB Speicher, %2, %3 Prozesse</translation>
    </message>
    <message>
        <location filename="../ui/panes/overview/OverviewPane.cpp" line="115"/>
        <source>%1 CPU</source>
        <translation>%1 CPU</translation>
    </message>
    <message>
        <location filename="../ui/panes/overview/OverviewPane.cpp" line="115"/>
        <source>no CPU cap</source>
        <translation>CPU unbegrenzt</translation>
    </message>
    <message>
        <location filename="../ui/panes/overview/OverviewPane.cpp" line="118"/>
        <source>, %1 MiB disk</source>
        <translation>, %1 MiB Speicherplatz</translation>
    </message>
    <message>
        <location filename="../ui/panes/overview/OverviewPane.cpp" line="123"/>
        <source>memory</source>
        <translation>Speicher</translation>
    </message>
    <message>
        <location filename="../ui/panes/overview/OverviewPane.cpp" line="125"/>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <location filename="../ui/panes/overview/OverviewPane.cpp" line="127"/>
        <source>processes</source>
        <translation>Prozesse</translation>
    </message>
    <message>
        <location filename="../ui/panes/overview/OverviewPane.cpp" line="130"/>
        <source>Enforced through cgroup %1</source>
        <translation>Durchgesetzt über cgroup %1</translation>
    </message>
    <message>
        <location filename="../ui/panes/overview/OverviewPane.cpp" line="133"/>
        <source>Not enforced on this host: %1. %2</source>
        <translation>Auf diesem Rechner nicht durchgesetzt: %1. %2</translation>
    </message>
    <message>
        <location filename="../ui/panes/overview/OverviewPane.cpp" line="22"/>
        <source>%1 d</source>
        <translation>%1 d</translation>
    </message>
    <message>
        <location filename="../ui/panes/overview/OverviewPane.cpp" line="24"/>
        <source>%1 h</source>
        <translation>%1 h</translation>
    </message>
    <message>
        <location filename="../ui/panes/overview/OverviewPane.cpp" line="26"/>
        <source>%1 min</source>
        <translation>%1 min</translation>
    </message>
    <message>
        <location filename="../ui/panes/overview/OverviewPane.cpp" line="27"/>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <location filename="../ui/panes/overview/OverviewPane.cpp" line="79"/>
        <source>Sleeps after %1 idle</source>
        <translation>Schläft nach %1 Leerlauf</translation>
    </message>
</context>
<context>
    <name>sandbench::ui::ProcessListModel</name>
    <message>
        <location filename="../ui/models/ProcessListModel.cpp" line="69"/>
        <source>Process</source>
        <translation>Prozess</translation>
    </message>
    <message>
        <location filename="../ui/models/ProcessListModel.cpp" line="71"/>
        <source>PID</source>
        <translation>PID</translation>
    </message>
    <message>
        <location filename="../ui/models/ProcessListModel.cpp" line="73"/>
        <source>Command</source>
        <translation>Befehl</translation>
    </message>
    <message>
        <location filename="../ui/models/ProcessListModel.cpp" line="75"/>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../ui/models/ProcessListModel.cpp" line="77"/>
        <source>Exit Code</source>
        <translation>Exit-Code</translation>
    </message>
    <message>
        <location filename="../ui/models/ProcessListModel.cpp" line="79"/>
        <source>Started</source>
        <translation>Gestartet</translation>
    </message>
</context>
<context>
    <name>sandbench::ui::SandboxListModel</name>
    <message>
        <location filename="../ui/models/SandboxListModel.cpp" line="38"/>
        <source>Running</source>
        <translation>Läuft</translation>
    </message>
    <message>
        <location filename="../ui/models/SandboxListModel.cpp" line="40"/>
        <source>Starting</source>
        <translation>Startet</translation>
    </message>
    <message>
        <location filename="../ui/models/SandboxListModel.cpp" line="42"/>
        <source>Stopped</source>
        <translation>Gestoppt</translation>
    </message>
    <message>
        <location filename="../ui/models/SandboxListModel.cpp" line="44"/>
        <source>Sleeping</source>
        <translation>Schläft</translation>
    </message>
    <message>
        <location filename="../ui/models/SandboxListModel.cpp" line="46"/>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <location filename="../ui/models/SandboxListModel.cpp" line="77"/>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
</context>
<context>
    <name>sandbench::ui::SandboxView</name>
    <message>
        <location filename="../ui/window/SandboxView.cpp" line="17"/>
        <source>Files</source>
        <translation>Dateien</translation>
    </message>
    <message>
        <location filename="../ui/window/SandboxView.cpp" line="19"/>
        <source>Overview</source>
        <translation>Übersicht</translation>
    </message>
    <message>
        <location filename="../ui/window/SandboxView.cpp" line="18"/>
        <source>Commands</source>
        <translation>Befehle</translation>
    </message>
    <message>
        <location filename="../ui/window/SandboxView.cpp" line="25"/>
        <source>%1 (Ctrl+%2)</source>
        <translation>%1 (Strg+%2)</translation>
    </message>
</context>
<context>
    <name>sandbench::ui::StartProcessDialog</name>
    <message>
        <location filename="../ui/panes/commands/CommandDialogs.cpp" line="101"/>
        <source>Start Background Process</source>
        <translation>Hintergrundprozess starten</translation>
    </message>
    <message>
        <location filename="../ui/panes/commands/CommandDialogs.cpp" line="102"/>
        <source>for example python3 -m http.server 8080</source>
        <translation>zum Beispiel python3 -m http.server 8080</translation>
    </message>
    <message>
        <location filename="../ui/panes/commands/CommandDialogs.cpp" line="105"/>
        <source>the session&apos;s directory</source>
        <translation>das Verzeichnis der Sitzung</translation>
    </message>
    <message>
        <location filename="../ui/panes/commands/CommandDialogs.cpp" line="107"/>
        <source>&amp;Command:</source>
        <translation>&amp;Befehl:</translation>
    </message>
    <message>
        <location filename="../ui/panes/commands/CommandDialogs.cpp" line="108"/>
        <source>&amp;Session:</source>
        <translation>&amp;Sitzung:</translation>
    </message>
    <message>
        <location filename="../ui/panes/commands/CommandDialogs.cpp" line="111"/>
        <source>Start</source>
        <translation>Starten</translation>
    </message>
</context>
<context>
    <name>sandbench::ui::StoppedPlaceholder</name>
    <message>
        <location filename="../ui/widgets/StoppedPlaceholder.cpp" line="14"/>
        <source>Start Sandbox</source>
        <translation>Sandbox starten</translation>
    </message>
</context>
<context>
    <name>sandbench::ui::Transfer</name>
    <message>
        <location filename="../ui/client/EngineClient.cpp" line="71"/>
        <source>Cancelled</source>
        <translation>Abgebrochen</translation>
    </message>
</context>
<context>
    <name>sandbench::ui::TransferList</name>
    <message>
        <location filename="../ui/panes/files/TransferList.cpp" line="18"/>
        <source>Transfer</source>
        <translation>Übertragung</translation>
    </message>
    <message>
        <location filename="../ui/panes/files/TransferList.cpp" line="18"/>
        <source>Progress</source>
        <translation>Fortschritt</translation>
    </message>
    <message>
        <location filename="../ui/panes/files/TransferList.cpp" line="38"/>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <location filename="../ui/panes/files/TransferList.cpp" line="64"/>
        <source>Done</source>
        <translation>Fertig</translation>
    </message>
    <message>
        <location filename="../ui/panes/files/TransferList.cpp" line="67"/>
        <source>Clear</source>
        <translation>Entfernen</translation>
    </message>
</context>
</TS>
