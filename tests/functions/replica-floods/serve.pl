# The serving contract (docs/serving.md) on a unix socket, HTTP/1.1: GET /health answers 200; POST /predict answers
# 200 with a JSON body that never ends ({"predictions": [0, 0, 0, ... without a length), until the peer stops reading.
# One process per connection, so that /health keeps answering while predictions flood.
use strict;
use warnings;
use IO::Socket::UNIX;
use POSIX ();

die "replica-floods only serves: give the argument 'serve'\n" unless @ARGV && $ARGV[0] eq 'serve';
$SIG{CHLD} = 'IGNORE';
$SIG{PIPE} = 'IGNORE';
my $path = $ENV{MLOPS_SOCKET} // '/mlops/run/replica.sock';
unlink $path;
my $server = IO::Socket::UNIX->new(Type => SOCK_STREAM(), Local => $path, Listen => 128) or die "cannot listen on $path: $!\n";
$| = 1;
print "serving on $path; /predict answers without end\n";
my $chunk = '0, ' x 16384;

while (1) {
    my $client = $server->accept or next;
    my $pid = fork;
    if (!defined $pid || $pid) {
        close $client;
        next;
    }
    close $server;
    serve($client);
    POSIX::_exit(0);
}

sub serve {
    my ($client) = @_;
    while (defined(my $line = <$client>)) {
        $line =~ s/\r?\n\z//;
        next if $line eq '';
        my (undef, $target) = split / /, $line;
        my $length = 0;
        while (defined(my $header = <$client>)) {
            $header =~ s/\r?\n\z//;
            last if $header eq '';
            $length = $1 if $header =~ /^content-length:\s*(\d+)/i;
        }
        read($client, my $body, $length) if $length;
        if (($target // '') eq '/health') {
            my $answer = '{"status":"ready"}';
            print $client "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " . length($answer) . "\r\n\r\n$answer";
            $client->flush;
            next;
        }
        # The flood: no length, no end; it stops only when a write fails (the peer closed).
        syswrite($client, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{\"predictions\": [") or return;
        while (1) {
            defined(syswrite($client, $chunk)) or return;
        }
    }
}
