package fakeaws

import (
	"encoding/json"
	"encoding/xml"
	"net/http"
)

// stsNamespace is the XML namespace of every STS response.
const stsNamespace = "https://sts.amazonaws.com/doc/2011-06-15/"

// apiError is an error answer in STS's terms. cause is for the log only.
type apiError struct {
	status  int
	code    string
	message string
	cause   error
}

func errMissingAuth() *apiError {
	return &apiError{status: http.StatusForbidden, code: "MissingAuthenticationToken", message: "Request is missing Authentication Token"}
}

func errIncomplete(msg string) *apiError {
	return &apiError{status: http.StatusBadRequest, code: "IncompleteSignature", message: msg}
}

func errSignature(msg string) *apiError {
	return &apiError{status: http.StatusForbidden, code: "SignatureDoesNotMatch", message: msg}
}

func errInvalidToken() *apiError {
	return &apiError{status: http.StatusForbidden, code: "InvalidClientTokenId", message: "The security token included in the request is invalid."}
}

// encodedBody is a response body and its media type.
type encodedBody struct {
	contentType string
	data        []byte
}

type xmlCallerIdentity struct {
	XMLName xml.Name `xml:"https://sts.amazonaws.com/doc/2011-06-15/ GetCallerIdentityResponse"`
	Result  struct {
		Arn     string `xml:"Arn"`
		UserID  string `xml:"UserId"`
		Account string `xml:"Account"`
	} `xml:"GetCallerIdentityResult"`
	RequestID string `xml:"ResponseMetadata>RequestId"`
}

type jsonCallerIdentity struct {
	Response struct {
		Result struct {
			Account string `json:"Account"`
			Arn     string `json:"Arn"`
			UserID  string `json:"UserId"`
		} `json:"GetCallerIdentityResult"`
		Metadata struct {
			RequestID string `json:"RequestId"`
		} `json:"ResponseMetadata"`
	} `json:"GetCallerIdentityResponse"`
}

type xmlError struct {
	XMLName xml.Name `xml:"https://sts.amazonaws.com/doc/2011-06-15/ ErrorResponse"`
	Error   struct {
		Type    string `xml:"Type"`
		Code    string `xml:"Code"`
		Message string `xml:"Message"`
	} `xml:"Error"`
	RequestID string `xml:"RequestId"`
}

type jsonError struct {
	Error struct {
		Code    string `json:"Code"`
		Message string `json:"Message"`
		Type    string `json:"Type"`
	} `json:"Error"`
	RequestID string `json:"RequestId"`
}

// callerIdentityBody encodes a GetCallerIdentity answer the way STS does.
func callerIdentityBody(p Principal, requestID string, asJSON bool) encodedBody {
	if asJSON {
		var v jsonCallerIdentity
		v.Response.Result.Account, v.Response.Result.Arn, v.Response.Result.UserID = p.Account, p.Arn, p.UserID
		v.Response.Metadata.RequestID = requestID
		return encodeJSON(v)
	}
	var v xmlCallerIdentity
	v.Result.Arn, v.Result.UserID, v.Result.Account = p.Arn, p.UserID, p.Account
	v.RequestID = requestID
	return encodeXML(v)
}

// errorBody encodes an STS error. Type is Sender for client errors and
// Receiver for server errors, as in AWS's Query protocol.
func errorBody(status int, code, message, requestID string, asJSON bool) encodedBody {
	typ := "Sender"
	if status >= 500 {
		typ = "Receiver"
	}
	if asJSON {
		var v jsonError
		v.Error.Code, v.Error.Message, v.Error.Type = code, message, typ
		v.RequestID = requestID
		return encodeJSON(v)
	}
	var v xmlError
	v.Error.Type, v.Error.Code, v.Error.Message = typ, code, message
	v.RequestID = requestID
	return encodeXML(v)
}

func encodeJSON(v any) encodedBody {
	b, err := json.Marshal(v)
	if err != nil {
		// Only strings are encoded; this cannot happen.
		panic("fakeaws: encode JSON: " + err.Error())
	}
	return encodedBody{contentType: "application/json", data: b}
}

func encodeXML(v any) encodedBody {
	b, err := xml.MarshalIndent(v, "", "  ")
	if err != nil {
		panic("fakeaws: encode XML: " + err.Error())
	}
	return encodedBody{contentType: "text/xml", data: append(b, '\n')}
}
