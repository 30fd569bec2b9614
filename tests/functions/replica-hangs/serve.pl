# The serving contract (docs/serving.md) on a unix socket, HTTP/1.1: GET /health answers 200; POST /predict reads the
# request and then holds the connection without a byte of answer until the peer gives up. One process per connection,
# so that /health keeps answering while predictions hang.
use strict;
use warnings;
use IO::Socket::UNIX;
use POSIX ();

die "replica-hangs only serves: give the argument 'serve'\n" unless @ARGV && $ARGV[0] eq 'serve';
$SIG{CHLD} = 'IGNORE';
my $path = $ENV{MLOPS_SOCKET} // '/mlops/run/replica.sock';
unlink $path;
my $server = IO::Socket::UNIX->new(Type => SOCK_STREAM(), Local => $path, Listen => 128) or die "cannot listen on $path: $!\n";
$| = 1;
print "serving on $path; /predict never answers\n";

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
        # The hang: read whatever comes until the peer closes, answer nothing.
        1 while sysread($client, my $ignored, 65536);
        return;
    }
}
